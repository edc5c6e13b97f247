"""Universal Dependencies English Web Treebank r2.16 (CoNLL-U), published file by file."""

from seqlm.data.dataset import DataFile, Dataset, register_dataset

UD_EWT = "https://raw.githubusercontent.com/UniversalDependencies/UD_English-EWT/r2.16/"
_SPLITS = (("train", "514bd20bce360f5897ae05943a51c39724eb8fbd", 14203025),
           ("dev", "4102d220c733fad621a6c2a1319867ca40a7aa00", 1805545),
           ("test", "03062d028f7cf580077fee56b1cecb3bfdcc093f", 1804515))


@register_dataset
def ud_en_ewt() -> Dataset:
    return Dataset(
        "ud-en-ewt",
        "Universal Dependencies English Web Treebank r2.16, CoNLL-U (UPOS, XPOS, ...): "
        "12,544 / 2,001 / 2,077 sentences",
        None,
        tuple(DataFile(split, f"ud-en-ewt/en_ewt-ud-{split}.conllu", sha1, size=size,
                      url=f"{UD_EWT}en_ewt-ud-{split}.conllu")
              for split, sha1, size in _SPLITS),
        license="CC BY-SA 4.0 (annotations (c) 2013-2021 The Board of Trustees of the "
                "Leland Stanford Junior University; texts from the LDC English Web Treebank)",
    )
