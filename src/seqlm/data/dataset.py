"""What a registered dataset is, and the registry datasets add themselves to.

One file per dataset in ``seqlm/data/datasets/`` (found automatically), or anywhere else::

    from seqlm.data.dataset import DataFile, Dataset, register_dataset

    @register_dataset
    def mycorpus() -> Dataset:
        return Dataset("mycorpus", "what it is", "https://example.org/my.txt",
                       (DataFile("train", "mycorpus.txt", sha1="...", size=12345),))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from seqlm.errors import DatasetError
from seqlm.registry import Registry

MAX_DOWNLOAD = 512 * 2**20  # bytes: the cap for a download whose size the registry does not know


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset: where it sits in a mirror, in the canonical archive, its SHA-1
    and (when known) its size in bytes, which also caps its download."""

    split: str
    mirror_path: str
    sha1: str
    archive_member: str | None = None
    size: int | None = None
    url: str | None = None  # its own canonical address, for datasets published file by file


@dataclass(frozen=True)
class Dataset:
    """A registered corpus and how to fetch it (``url``: a file, or a ``.zip`` of its files)."""

    name: str
    description: str
    url: str | None
    files: tuple[DataFile, ...]
    archive_sha1: str | None = None
    license: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    archive_size: int | None = None

    @property
    def splits(self) -> list[str]:
        return [f.split for f in self.files]

    def file(self, split: str) -> DataFile:
        for f in self.files:
            if f.split == split:
                return f
        raise DatasetError(
            f"dataset {self.name!r} has no split {split!r}; choose one of {', '.join(self.splits)}"
        )


DATASETS: Registry[Dataset] = Registry("dataset", error=DatasetError)


def register_dataset(factory: Callable[[], Dataset]) -> Callable[[], Dataset]:
    """Decorator: register the Dataset that ``factory`` returns, under the dataset's name."""
    ds = factory()
    if not isinstance(ds, Dataset):
        raise DatasetError(f"{factory.__name__} must return a Dataset, got {type(ds).__name__}")
    if not ds.files:
        raise DatasetError(f"dataset {ds.name!r} has no files")
    if ds.name in DATASETS and DATASETS[ds.name] != ds:
        raise DatasetError(f"dataset {ds.name!r} is already registered with other files")
    DATASETS.add(ds.name, ds, help=ds.description)
    return factory
