"""Penn Treebank, Mikolov's language-modelling version (the d2l hub's ptb.zip)."""

from seqlm.data.dataset import DataFile, Dataset, register_dataset
from seqlm.data.datasets._hubs import D2L_HUB

_SPLITS = (
    ("train", "f9ffb014fa33bd5730e5029697ad245184f3a678", 5101618),
    ("valid", "d9f5fed6afa5e1b82cd1e3e5f5040f6852940228", 399782),
    ("test", "5c15c548b42d80bce9332b788514e6635fb0226e", 449945),
)


@register_dataset
def ptb() -> Dataset:
    return Dataset(
        "ptb",
        "Penn Treebank, Mikolov's LM version: 10k words, <unk> in text, a sentence a line",
        D2L_HUB + "ptb.zip",
        tuple(DataFile(split, f"ptb/ptb.{split}.txt", sha1, f"ptb/ptb.{split}.txt", size)
              for split, sha1, size in _SPLITS),
        archive_sha1="319d85e578af0cdc590547f26231e4e31cdf1e42",
        license="LDC / Mikolov's release, for research",
    )
