"""Labelled examples from a TSV (``text<TAB>label``), a folder of ``LABEL.txt`` files (one
example a line: the names data's layout), or the registered ``names`` dataset."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from seqlm.data import read_text
from seqlm.errors import DataError


@dataclass
class Examples:
    """Texts and their label names, in file order; ``source`` names them in messages."""

    texts: list[str]
    labels: list[str]
    source: str

    def __len__(self) -> int:
        return len(self.texts)

    def subset(self, index: object) -> Examples:
        idx = list(index)  # type: ignore[call-overload]
        return Examples([self.texts[i] for i in idx], [self.labels[i] for i in idx], self.source)


def read_tsv(path: str | os.PathLike[str]) -> Examples:
    """``text<TAB>label`` a line (blank lines skipped); a line without a tab, an empty text or
    an empty label is a DataError naming the line."""
    texts, labels = [], []
    for n, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        text, tab, label = line.rpartition("\t")
        if not tab:
            raise DataError(f"{path} line {n} has no tab: expected text<TAB>label, got "
                            f"{line[:60]!r}")
        if not text.strip() or not label.strip():
            raise DataError(f"{path} line {n} has an empty text or label: {line[:60]!r}")
        texts.append(text.strip())
        labels.append(label.strip())
    return Examples(texts, labels, str(path))


def read_folder(path: str | os.PathLike[str]) -> Examples:
    """Every ``LABEL.txt`` of a folder (sorted), one example a line, the label its file name."""
    files = sorted(p for p in Path(path).glob("*.txt") if p.is_file())
    if not files:
        raise DataError(f"{path} holds no LABEL.txt files")
    texts, labels = [], []
    for f in files:
        for line in read_text(f, allow_empty=True).splitlines():
            if line.strip():
                texts.append(line.strip())
                labels.append(f.stem)
    if not texts:
        raise DataError(f"the .txt files of {path} hold no examples")
    return Examples(texts, labels, str(path))


def read_examples(source: str | os.PathLike[str]) -> Examples:
    """A folder, a TSV file, or the registered ``names`` dataset (read through the registry)."""
    p = Path(source)
    if p.is_dir():
        return read_folder(p)
    if p.exists():
        return read_tsv(p)
    if str(source) == "names":
        from seqlm.data.corpus import load_names

        pairs = load_names()
        return Examples([t for t, _ in pairs], [lang for _, lang in pairs], "names")
    raise DataError(f"{source!r} is neither a file, a folder of LABEL.txt files, nor the "
                    "registered dataset 'names'")
