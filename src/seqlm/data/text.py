"""Reading text safely (UTF-8 only, no binaries) and the normalisation presets."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from seqlm.errors import ConfigError, DataError
from seqlm.io import STDIO, read_bytes

_NON_ASCII_LETTERS = re.compile(r"[^A-Za-z]+")
_NON_LETTERS = re.compile(r"[\W\d_]+")


def _raw(text: str) -> str:
    return text


def _letters(text: str) -> str:
    """The book's preprocessing: every run of non-letters becomes one space, then lowercase."""
    return _NON_ASCII_LETTERS.sub(" ", text).lower()


def _unicode_letters(text: str) -> str:
    """Like ``letters`` but any script's letters survive (for Chinese, Cyrillic, ...)."""
    return _NON_LETTERS.sub(" ", text).lower()


PRESETS: dict[str, Callable[[str], str]] = {
    "raw": _raw,
    "letters": _letters,
    "unicode_letters": _unicode_letters,
}


def get_preset(preset: str) -> Callable[[str], str]:
    """The normalisation function named ``preset``; a ConfigError names the valid ones."""
    try:
        return PRESETS[preset]
    except KeyError:
        raise ConfigError(
            f"unknown normalisation preset {preset!r}; choose one of {', '.join(PRESETS)}"
        ) from None


def normalise(text: str, preset: str = "raw") -> str:
    """Apply a named normalisation preset (``raw``, ``letters``, ``unicode_letters``)."""
    return get_preset(preset)(text)


def decode_text(data: bytes, origin: str = "input") -> str:
    """Decode bytes as UTF-8, refusing binary data (NUL bytes) and other encodings."""
    if b"\x00" in data:
        raise DataError(f"{origin} looks binary (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{origin} is not valid UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})"
        ) from None
    return text.removeprefix("\ufeff")


def read_text(path: str | os.PathLike[str], *, allow_empty: bool = False) -> str:
    """Read UTF-8 text (a file, ``.gz``/``.bz2``/``.xz`` or ``-`` for standard input) with one
    clear error for missing, folder, binary or empty input."""
    name = "standard input" if str(path) == STDIO else str(path)
    text = decode_text(read_bytes(path), origin=name)
    if not allow_empty and not text.strip():
        raise DataError(f"{name} is empty")
    return text
