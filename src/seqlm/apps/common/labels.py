"""Label maps: class names <-> indices, in a fixed order, saved as JSON (never pickle)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from seqlm.errors import DataError
from seqlm.io import atomic_write

_FORMAT = "seqlm.labels/1"


class LabelMap:
    """Class names in index order (default: sorted, so the order never depends on input order)."""

    def __init__(self, labels: Iterable[str], sort: bool = True) -> None:
        names = list(dict.fromkeys(labels))
        if not names:
            raise DataError("a label map needs at least one label")
        if not all(isinstance(n, str) and n for n in names):
            raise DataError("labels must be non-empty strings")
        self.labels: list[str] = sorted(names) if sort else names
        self.index_of = {n: i for i, n in enumerate(self.labels)}

    def __len__(self) -> int:
        return len(self.labels)

    def __contains__(self, label: object) -> bool:
        return label in self.index_of

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LabelMap) and self.labels == other.labels

    def __hash__(self) -> int:
        return hash(tuple(self.labels))

    def __repr__(self) -> str:
        return f"LabelMap({self.labels!r})"

    def encode(self, labels: Sequence[str], where: str = "the data") -> np.ndarray:
        """Names -> int64 indices; a label the map does not know is a DataError naming it."""
        try:
            return np.fromiter((self.index_of[x] for x in labels), dtype=np.int64,
                               count=len(labels))
        except KeyError as exc:
            known = ", ".join(self.labels[:20]) + (" ..." if len(self.labels) > 20 else "")
            raise DataError(f"unknown label {exc.args[0]!r} in {where}; the model knows: "
                            f"{known}") from None

    def decode(self, indices: Iterable[int]) -> list[str]:
        return [self.labels[int(i)] for i in indices]

    def to_dict(self) -> dict[str, Any]:
        return {"format": _FORMAT, "labels": list(self.labels)}

    @classmethod
    def from_dict(cls, data: Any) -> LabelMap:
        """Rebuild from :meth:`to_dict` output, validating its shape."""
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise DataError("not a seqlm label map (missing or wrong 'format')")
        labels = data.get("labels")
        if not isinstance(labels, list) or len(set(map(str, labels))) != len(labels):
            raise DataError("label map 'labels' must be a list of distinct strings")
        return cls(labels, sort=False)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write as JSON, atomically."""
        with atomic_write(path) as fh:
            json.dump(self.to_dict(), fh, ensure_ascii=False)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> LabelMap:
        """Read a label map written by :meth:`save` (any failure: one DataError)."""
        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataError(f"cannot read the label map {path}: {exc}") from None
