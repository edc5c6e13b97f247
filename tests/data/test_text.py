from pathlib import Path

import pytest

from seqlm.data import load_text, normalise, read_text
from seqlm.errors import ConfigError, DataError


def test_letters_preset_is_the_books() -> None:
    assert normalise("The Time-Traveller (for so...) 1898!", "letters") == (
        "the time traveller for so "
    )
    assert normalise("  a\n\nB  ", "letters") == " a b "


def test_unicode_letters_keeps_any_script() -> None:
    assert normalise("Hello, 世界! Привет 42", "unicode_letters") == "hello 世界 привет "


def test_raw_is_identity() -> None:
    s = "A b\tC\n"
    assert normalise(s, "raw") == s


def test_unknown_preset() -> None:
    with pytest.raises(ConfigError, match="unknown normalisation preset"):
        normalise("x", "stem")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"abc\x00def", "binary"),
        (b"caf\xe9", "not valid UTF-8"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes, message: str) -> None:
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(DataError, match=message):
        read_text(p)


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        read_text(tmp_path / "nope.txt")
    with pytest.raises(DataError, match="is a directory"):
        read_text(tmp_path)


def test_bom_is_dropped(tmp_path: Path) -> None:
    p = tmp_path / "bom.txt"
    p.write_bytes("\ufeffhello".encode())
    assert read_text(p) == "hello"


def test_load_text_sources(tmp_path: Path) -> None:
    p = tmp_path / "c.txt"
    p.write_text("One two\n", encoding="utf-8")
    assert load_text(str(p), preset="letters") == "one two "
    with pytest.raises(DataError, match="neither a file nor a registered dataset"):
        load_text("not_a_dataset")
    with pytest.raises(DataError, match="split"):
        load_text(str(p), split="valid")


@pytest.mark.dataset("timemachine", "ptb")
def test_load_text_real_corpora() -> None:
    tm = load_text("timemachine", preset="letters")
    # The book's preprocessing leaves 26 letters and the space.
    assert set(tm) == set("abcdefghijklmnopqrstuvwxyz ")
    assert tm.startswith("the time machine by h g wells ")
    valid = load_text("ptb", split="valid")
    assert len(valid.splitlines()) == 3370
