"""Tagged corpora from a registered dataset (``ud-en-ewt``), a CoNLL-U file or a TSV file."""

from __future__ import annotations

import os
from pathlib import Path

from seqlm.apps.tag.conllu import column_index, parse_conllu
from seqlm.apps.tag.sentences import Sentence, parse_tsv
from seqlm.data.registry import REGISTRY, dataset_path
from seqlm.data.text import read_text
from seqlm.errors import DataError

FORMATS = ("auto", "conllu", "tsv")


def detect_format(text: str, name: str = "") -> str:
    """``conllu`` for a ``.conllu`` name or a first data line of 10 fields (or a comment)."""
    if name.endswith(".conllu"):
        return "conllu"
    for line in text.splitlines():
        if line.strip():
            return "conllu" if line.startswith("#") or line.count("\t") == 9 else "tsv"
    return "tsv"


def parse_tagged(text: str, column: str = "upos", fmt: str = "auto",
                 origin: str = "input") -> list[Sentence]:
    """Sentences of a CoNLL-U or ``token<TAB>tag`` text (``fmt="auto"`` tells them apart)."""
    if fmt not in FORMATS:
        raise DataError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}")
    column_index(column)
    kind = detect_format(text, origin) if fmt == "auto" else fmt
    lines = text.splitlines()
    sentences = (parse_conllu(lines, column, origin) if kind == "conllu"
                 else parse_tsv(lines, origin))
    if not sentences:
        raise DataError(f"{origin} holds no tagged sentence")
    return sentences


def load_tagged(source: str | os.PathLike[str], split: str | None = None,
                column: str = "upos", fmt: str = "auto") -> list[Sentence]:
    """Sentences of a registered dataset's split (``"ud-en-ewt"``, ``"test"``) or of a file."""
    column_index(column)
    p = Path(source)
    if isinstance(source, str) and source in REGISTRY and not p.exists():
        path = dataset_path(source, split or "train")
    elif split is not None:
        raise DataError(f"a split ({split!r}) only applies to registered datasets")
    else:
        path = p
    return parse_tagged(read_text(path), column, fmt, origin=str(path))
