"""Sentence pairs: read ``source<TAB>target`` lines, de-duplicate, and split train/valid/test.

A pair file holds one pair a line, ``English<TAB>Chinese`` for ``eng-cn``; columns after the
second (Tatoeba's attribution) are ignored and blank lines skipped. A non-blank line without a
tab, or with an empty side, is a :class:`DataError` naming the file and line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np

from seqlm.errors import DataError, require_fraction

Pair = tuple[str, str]


def parse_pairs(text: str, origin: str = "input") -> list[Pair]:
    """Pairs of a TSV text; blank lines skipped, a bad line -> DataError with its number."""
    pairs: list[Pair] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            raise DataError(f"{origin} line {number} has no tab: expected source<TAB>target")
        src, tgt = parts[0].strip(), parts[1].strip()
        if not src or not tgt:
            side = "source" if not src else "target"
            raise DataError(f"{origin} line {number} has an empty {side} side")
        pairs.append((src, tgt))
    if not pairs:
        raise DataError(f"{origin} holds no sentence pairs")
    return pairs


def read_pairs(source: str | os.PathLike[str]) -> list[Pair]:
    """Pairs of a registered dataset (``"eng-cn"``) or of a local UTF-8 TSV file."""
    from seqlm.data import load_text

    return parse_pairs(load_text(source), origin=str(source))


def dedupe(pairs: Sequence[Pair], key: Callable[[str], object]) -> list[Pair]:
    """Keep the first pair of each ``key(source)`` (e.g. the normalised English sentence)."""
    seen: set[object] = set()
    out: list[Pair] = []
    for pair in pairs:
        k = key(pair[0])
        if k not in seen:
            seen.add(k)
            out.append(pair)
    return out


def split_pairs(pairs: Sequence[Pair], valid_frac: float = 0.05, test_frac: float = 0.05,
                seed: int = 0) -> tuple[list[Pair], list[Pair], list[Pair]]:
    """A seeded random (train, valid, test) split; valid/test get round(frac * n) pairs each."""
    for name, frac in (("valid fraction", valid_frac), ("test fraction", test_frac)):
        require_fraction(name, frac)
    n = len(pairs)
    n_valid, n_test = round(valid_frac * n), round(test_frac * n)
    if n - n_valid - n_test < 1:
        raise DataError(f"{n} pairs leave nothing to train on after the valid/test split")
    order = np.random.default_rng(seed).permutation(n)
    pick = [pairs[i] for i in order]
    return pick[n_valid + n_test:], pick[:n_valid], pick[n_valid:n_valid + n_test]


def write_pairs(path: str | os.PathLike[str], pairs: Sequence[Pair]) -> None:
    """Write pairs as a TSV file, atomically."""
    from seqlm.io import atomic_write

    with atomic_write(path) as fh:
        fh.writelines(f"{s}\t{t}\n" for s, t in pairs)
