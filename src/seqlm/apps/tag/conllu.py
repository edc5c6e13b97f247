"""A small CoNLL-U reader: sentences of syntactic words with their UPOS or XPOS tag.

Follows the format (universaldependencies.org/format.html) and UD's evaluation script
(conll18_ud_eval.py): a tagger tags *syntactic words*, so a multiword-token range line
(``3-4  don't``) is skipped and its words (``3 do``, ``4 n't``) are kept, and empty nodes
(``8.1``, enhanced dependencies only) are skipped. Comments (``#``) are skipped; a blank line
ends a sentence. Any other deviation is a :class:`DataError` naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from seqlm.apps.tag.sentences import Sentence, blocks
from seqlm.errors import DataError

COLUMNS = {"upos": 3, "xpos": 4}  # field index of each tag column (ID FORM LEMMA UPOS XPOS ...)
_RANGE = re.compile(r"[1-9]\d*-[1-9]\d*")
_EMPTY = re.compile(r"\d+\.[1-9]\d*")
_WORD = re.compile(r"[1-9]\d*")


def column_index(column: str) -> int:
    """Field index of ``upos`` or ``xpos``; anything else is a DataError."""
    if column not in COLUMNS:
        raise DataError(f"unknown tag column {column!r}; use upos or xpos")
    return COLUMNS[column]


def parse_conllu(lines: Iterable[str], column: str = "upos", origin: str = "input"
                 ) -> list[Sentence]:
    """Sentences (words, tags) of CoNLL-U ``lines``; ranges and empty nodes skipped."""
    col = column_index(column)
    sentences: list[Sentence] = []
    for block in blocks(lines):
        words: list[str] = []
        tags: list[str] = []
        for number, line in block:
            if line.startswith("#"):
                continue
            word = _word(line, f"{origin} line {number}", len(words) + 1, col, column)
            if word is not None:
                words.append(word[0])
                tags.append(word[1])
        if words:
            sentences.append(Sentence(tuple(words), tuple(tags)))
    return sentences


def _word(line: str, where: str, expected: int, col: int, column: str
          ) -> tuple[str, str] | None:
    """(form, tag) of a word line; None for a multiword range or an empty node."""
    fields = line.split("\t")
    if len(fields) != 10:
        raise DataError(f"{where}: expected 10 tab-separated CoNLL-U fields, got {len(fields)}")
    ident = fields[0]
    if _RANGE.fullmatch(ident) or _EMPTY.fullmatch(ident):
        return None
    if not _WORD.fullmatch(ident):
        raise DataError(f"{where}: bad word ID {ident!r}")
    if int(ident) != expected:
        raise DataError(f"{where}: word ID {ident} out of order (expected {expected})")
    form, tag = fields[1], fields[col]
    if not form or form.isspace():
        raise DataError(f"{where}: empty word form")
    if tag in ("", "_"):
        raise DataError(f"{where}: word {form!r} has no {column.upper()} tag")
    return form, tag
