"""The ARPA header, and the compiled reading of an ARPA file's n-gram sections.

``scan_sections`` reads every section with ``_fastcount.arpa_section`` (_arpascan.h) straight
from the file's bytes: no line strings, no per-token Python objects. It handles the regular
case only and answers None for anything else, and then arpa.py's Python parser reads the file
and names the problem; both give the same arrays (tests/ngram/test_arpa_scan.py).
"""

from __future__ import annotations

import mmap
import re

import numpy as np

from seqlm.ngram.cext import compiled
from seqlm.ngram.errors import ArpaError
from seqlm.ngram.memory import available_bytes
from seqlm.ngram.model import MAX_ORDER

BYTES_PER_NGRAM = 64  # rough in-memory cost of one n-gram while reading (ids, keys, floats)
_NGRAM_LINE = re.compile(r"^ngram\s+([0-9]{1,3})\s*=\s*([0-9]{1,15})\s*$")
_BLANK = re.compile(rb"[ \t\n]*")


def parse_header(lines: list[str], name: str) -> tuple[list[int], int]:
    """The n-gram counts the ``\\data\\`` section declares, and the index of the line after
    it; refuses a header that declares more n-grams than memory can hold."""
    i = 0
    while i < len(lines) and lines[i].strip() != "\\data\\":
        i += 1
    if i == len(lines):
        raise ArpaError(f"{name}: no \\data\\ header")
    i += 1
    declared: list[int] = []
    while i < len(lines) and lines[i].strip():
        mt = _NGRAM_LINE.match(lines[i].strip())
        if not mt:
            raise ArpaError(f"{name} line {i + 1}: expected 'ngram N=count', got {lines[i]!r}")
        n, c = int(mt.group(1)), int(mt.group(2))
        if n != len(declared) + 1:
            raise ArpaError(f"{name} line {i + 1}: n-gram orders must be 1, 2, ... in order")
        declared.append(c)
        i += 1
    if not declared:
        raise ArpaError(f"{name}: the \\data\\ section lists no n-gram counts")
    if len(declared) > MAX_ORDER:
        raise ArpaError(f"{name}: order {len(declared)} is above the maximum {MAX_ORDER}")
    need = sum(declared) * BYTES_PER_NGRAM
    if need > available_bytes():
        raise ArpaError(f"{name}: the header declares {sum(declared)} n-grams (~{need / 1e9:.1f} "
                        f"GB to load), more than the {available_bytes() / 1e9:.1f} GB available")
    return declared, i


Unigrams = tuple[list[str], np.ndarray, np.ndarray]
Ngrams = tuple[np.ndarray, np.ndarray, np.ndarray]


def scan_sections(raw: bytes | mmap.mmap, name: str) -> tuple[Unigrams, list[Ngrams]] | None:
    """(unigram words in file order, log10 p, log10 backoff) and, per higher order, (word
    indices into those unigrams (rows, n), log10 p, log10 backoff); None where the compiled
    reader is not built or disabled, or the file is not regular (see the module doc)."""
    fc = compiled()
    at = raw.find(b"\\1-grams:")
    if fc is None or not hasattr(fc, "arpa_section") or at < 0:  # not built, or built before it
        return None
    try:
        head = raw[:at].decode("utf-8")
    except UnicodeDecodeError:
        return None
    declared, _ = parse_header(head.splitlines(), name)
    words: list[str] | None = None
    higher: list[Ngrams] = []
    pos = at
    for n, count in enumerate(declared, 1):
        start = _section_start(raw, pos, n)
        if start < 0:
            return None
        ids, logp, bow = np.empty(count * n, np.int64), np.empty(count), np.empty(count)
        pos, got = fc.arpa_section(raw, start, n, count, words, ids, logp, bow)
        if pos < 0 or not _section_ends(raw, pos):
            return None
        if n == 1:
            words, uni = got, (logp, bow)
        else:
            higher.append((ids.reshape(count, n), logp, bow))
    rest = raw[_BLANK.match(raw, pos).end():]  # type: ignore[union-attr]
    if words is None or rest.split(b"\n", 1)[0].strip() != b"\\end\\":
        return None
    return (words, *uni), higher


def _section_start(raw: bytes | mmap.mmap, pos: int, n: int) -> int:
    """The byte after the ``\\n-grams:`` line that follows blank lines from ``pos``; -1 if
    another line comes first."""
    pos = _BLANK.match(raw, pos).end()  # type: ignore[union-attr]
    marker = b"\\%d-grams:" % n
    eol = raw.find(b"\n", pos)
    if raw[pos:pos + len(marker)] != marker or eol < 0 or raw[pos + len(marker):eol].strip():
        return -1
    return eol + 1


def _section_ends(raw: bytes | mmap.mmap, pos: int) -> bool:
    """Whether the line at ``pos`` ends the section (blank, a ``\\`` line or the end), so the
    section held exactly the declared number of lines."""
    eol = raw.find(b"\n", pos)
    line = raw[pos:] if eol < 0 else raw[pos:eol]
    return not line.strip() or line.startswith(b"\\")
