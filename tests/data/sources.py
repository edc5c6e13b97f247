"""Small dataset sources built by the tests: a toy corpus on disk and its registry entry."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from seqlm.data.dataset import DATASETS, DataFile, Dataset, register_dataset

TOY_FILES = {"train": ("toy/train.txt", "the cat sat on the mat .\nthe dog sat .\n" * 40),
             "valid": ("toy/valid.txt", "the cat sat .\n" * 10)}


@dataclass
class ToySource:
    """A toy dataset's files in ``folder`` (laid out like a mirror) and its Dataset."""

    folder: Path
    dataset: Dataset

    @property
    def mirror(self) -> str:
        return self.folder.as_uri() + "/"


def write_toy(folder: Path, name: str = "toy-corpus", url: str | None = None) -> ToySource:
    """Write the toy files under ``folder`` and describe them (sha1 and size) as a Dataset."""
    files = []
    for split, (rel, text) in TOY_FILES.items():
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        data = p.read_bytes()
        files.append(DataFile(split, rel, hashlib.sha1(data).hexdigest(), rel, len(data)))
    return ToySource(folder, Dataset(name, "a toy corpus for tests", url, tuple(files)))


@contextmanager
def registered(ds: Dataset) -> Iterator[Dataset]:
    """Register ``ds`` for the block (replacing an entry of the same name), then restore."""
    old = None
    if ds.name in DATASETS:  # a Registry, not a dict: no .get
        old = DATASETS[ds.name]
    DATASETS.unregister(ds.name)
    register_dataset(lambda: ds)
    try:
        yield ds
    finally:
        DATASETS.unregister(ds.name)
        if old is not None:
            register_dataset(lambda: old)
