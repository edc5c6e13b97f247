"""English-Chinese sentence pairs (Tatoeba-derived), for translation; mirror only."""

from seqlm.data.dataset import DataFile, Dataset, register_dataset


@register_dataset
def eng_cn() -> Dataset:
    return Dataset(
        "eng-cn",
        "About 20k English-Chinese sentence pairs, tab-separated (Tatoeba-derived); "
        "mirror only: the upstream archive has another layout",
        None,
        (DataFile("train", "eng-cn.txt", "5b9b19c954eba7408b5094a7c7f433b1d71cf2c4",
                  size=1259882),),
        license="CC-BY 2.0 (Tatoeba)",
    )
