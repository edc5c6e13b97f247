"""Per-side tokenisers for translation, registered in the tokenizer registry by name.

``en_words`` (the English preset): Unicode NFKC, curly apostrophes -> ``'``, invisible format
characters (zero-width spaces) dropped, lower-cased, then split into words (``\\w+``), clitics
(``'s``, ``'t``, ``'m``: an apostrophe and the letters after it) and single punctuation marks:
``"I'm Tom's."`` -> ``i 'm tom 's .``. ``zh_chars``: one token per character, whitespace and
format characters dropped (Chinese has no spaces between words; a character model needs no
segmenter). Both are plain functions of a string, so any registered tokenizer can replace them.
"""

from __future__ import annotations

import re
import unicodedata

from seqlm.data.tokenize import register_tokenizer

_EN_TOKEN = re.compile(r"'\w+|\w+|[^\w\s]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def _visible(text: str) -> str:
    """Drop format characters (category Cf: zero-width space, BOM, direction marks)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def en_words(text: str) -> list[str]:
    """Lower-cased English words, clitics and punctuation marks as separate tokens."""
    text = _visible(unicodedata.normalize("NFKC", text)).translate(_APOSTROPHES).lower()
    return _EN_TOKEN.findall(text)


def zh_chars(text: str) -> list[str]:
    """One token per visible, non-space character (Chinese is written without word breaks)."""
    return [ch for ch in _visible(text) if not ch.isspace()]


register_tokenizer("en_words", en_words)
register_tokenizer("zh_chars", zh_chars)

# How a side's tokens are joined back into text: characters with nothing, words with a space.
JOINERS: dict[str, str] = {"zh_chars": "", "char": ""}


def joiner(tokenizer: str) -> str:
    """The separator that turns this tokenizer's tokens back into text ("" or " ")."""
    return JOINERS.get(tokenizer, " ")
