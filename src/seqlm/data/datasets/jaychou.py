"""Jay Chou lyrics in Chinese: the Chinese d2l edition's character-level corpus."""

from seqlm.data.dataset import DataFile, Dataset, register_dataset


@register_dataset
def jaychou() -> Dataset:
    return Dataset(
        "jaychou",
        "Jay Chou song lyrics in Chinese (UTF-8), from the Chinese edition of the d2l book",
        "https://github.com/d2l-ai/d2l-zh/raw/v1.1/data/jaychou_lyrics.txt.zip",
        (DataFile("train", "jaychou_lyrics.txt", "1aaa9085d3ed99282ecbca0de95f48c823f3cc22",
                  "jaychou_lyrics.txt", size=175267),),
        license="for research and teaching",
    )
