"""One entry point for text: a registered dataset name, a file path, or a string."""

from __future__ import annotations

import os
from pathlib import Path

from seqlm.data.registry import REGISTRY, dataset_path, get_dataset
from seqlm.data.text import get_preset, normalise, read_text
from seqlm.errors import DataError
from seqlm.io import STDIO


def load_text(source: str | os.PathLike[str], split: str | None = None,
              preset: str = "raw") -> str:
    """Text of a registered dataset (``"ptb"``, split ``"valid"``), a local UTF-8 file (plain or
    .gz/.bz2/.xz) or ``"-"`` (standard input).

    A name that is both a registered dataset and an existing path is read as the file.
    """
    get_preset(preset)  # fail on a bad preset before any download
    p = Path(source)
    if isinstance(source, str) and source in REGISTRY and not p.exists():
        return normalise(read_text(dataset_path(source, split)), preset)
    if split is not None:
        raise DataError(f"a split ({split!r}) only applies to registered datasets")
    if source == STDIO:
        return normalise(read_text(STDIO), preset)
    if isinstance(source, str) and not p.exists() and os.sep not in source and "." not in source:
        raise DataError(
            f"{source!r} is neither a file nor a registered dataset "
            f"(known: {', '.join(sorted(REGISTRY))})"
        )
    text = read_text(p)
    return normalise(text, preset)


def text_corpus(text: str, preset: str = "raw") -> str:
    """Normalise a string given directly (the API's third source)."""
    if not text.strip():
        raise DataError("the text is empty")
    return normalise(text, preset)


def load_names() -> list[tuple[str, str]]:
    """The surnames dataset as (name, language) pairs, languages in registry order."""
    ds = get_dataset("names")
    out: list[tuple[str, str]] = []
    for lang in ds.splits:
        for line in read_text(dataset_path("names", lang)).splitlines():
            if line.strip():
                out.append((line.strip(), lang))
    return out


def load_pairs(name: str = "eng-cn") -> list[tuple[str, str]]:
    """A tab-separated sentence-pair dataset as (source, target) tuples."""
    pairs = []
    for i, line in enumerate(read_text(dataset_path(name)).splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise DataError(f"{name} line {i} has no tab-separated pair")
        pairs.append((parts[0], parts[1]))
    return pairs
