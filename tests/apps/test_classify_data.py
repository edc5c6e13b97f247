"""Reading labelled examples: TSV and LABEL.txt folders, with one clear error per bad line."""

from __future__ import annotations

from pathlib import Path

import pytest

from seqlm.apps.classify.data import read_examples, read_folder, read_tsv
from seqlm.errors import DataError


def test_tsv_and_folder(tmp_path: Path) -> None:
    (tmp_path / "a.tsv").write_text("Dostoevsky\tRussian\n\nSmith\tEnglish\nde la Cruz\tSpanish\n")
    ex = read_tsv(tmp_path / "a.tsv")
    assert ex.texts == ["Dostoevsky", "Smith", "de la Cruz"]
    assert ex.labels == ["Russian", "English", "Spanish"]
    folder = tmp_path / "names"
    folder.mkdir()
    (folder / "Greek.txt").write_text("Pappas\nDimou\n")
    (folder / "Czech.txt").write_text("Novak\n\n")
    ex = read_examples(folder)
    assert list(zip(ex.texts, ex.labels, strict=True)) == [
        ("Novak", "Czech"), ("Pappas", "Greek"), ("Dimou", "Greek")]
    assert len(ex.subset([2, 0])) == 2 and ex.subset([2]).texts == ["Dimou"]


@pytest.mark.parametrize(("content", "message"), [
    ("Dostoevsky Russian\n", "line 1 has no tab"),
    ("Smith\tEnglish\n\tRussian\n", "line 2 has an empty text or label"),
    ("Smith\t \n", "line 1 has an empty text or label"),
])
def test_bad_tsv_lines(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "bad.tsv").write_text(content)
    with pytest.raises(DataError, match=message):
        read_tsv(tmp_path / "bad.tsv")


def test_missing_sources(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="neither a file"):
        read_examples(tmp_path / "nothing.tsv")
    with pytest.raises(DataError, match=r"no LABEL\.txt"):
        read_folder(tmp_path)
