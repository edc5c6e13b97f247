"""Save / load by file name: ``.arpa`` is the ARPA text format, anything else seqlm's npz."""

from __future__ import annotations

import os
from pathlib import Path

from seqlm.ngram.arpa import read_arpa, write_arpa
from seqlm.ngram.binary import load_model, save_model
from seqlm.ngram.errors import ConfigError
from seqlm.ngram.model import NgramLM

COMPRESSED = (".gz", ".bz2", ".xz")


def is_arpa(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names an ARPA file (``.arpa``, possibly ``.gz``/``.bz2``/``.xz``;
    ``-`` is ARPA on standard input/output)."""
    if os.fspath(path) == "-":
        return True
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes[-1:] and suffixes[-1] in COMPRESSED:
        suffixes = suffixes[:-1]
    return suffixes[-1:] == [".arpa"]


def save(model: NgramLM, path: str | os.PathLike[str]) -> None:
    """Write ``model`` as ARPA (``.arpa``) or as seqlm's binary npz (any other name; a
    compressed name such as ``x.arpa.gz`` is refused rather than silently written as npz)."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    if suffixes[-1:] and suffixes[-1] in (*COMPRESSED, ".zst"):
        raise ConfigError(f"{path}: compressed model output is not supported; write .arpa "
                          "and compress it, or use .npz")
    if is_arpa(path):
        write_arpa(model, path)
    else:
        save_model(model, path)


def load(path: str | os.PathLike[str]) -> NgramLM:
    """Read an ARPA (``.arpa``, compressed too, or ``-``) or binary model."""
    return read_arpa(path) if is_arpa(path) else load_model(path)
