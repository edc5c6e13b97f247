"""The ARPA header, and the compiled reading of an ARPA file's n-gram sections.

``scan_sections`` reads every section with ``_fastcount.arpa_section`` (_arpascan.h) straight
from the file's bytes: no line strings, no per-token Python objects; one section at a time,
handing the mapped file's pages back as it goes, so that the reader can build each order
before the next is scanned. It handles the regular case only and answers None (or raises
``Irregular`` at a later section) for anything else, and then arpa.py's Python parser reads
the file and names the problem; both give the same arrays (tests/ngram/test_arpa_scan.py).
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterator
from types import ModuleType

import numpy as np

from seqlm.ngram.cext import compiled
from seqlm.ngram.errors import ArpaError
from seqlm.ngram.memory import available_bytes
from seqlm.ngram.model import MAX_ORDER
from seqlm.ngram.spool import release_pages

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


class Irregular(Exception):
    """The file is not regular enough for the compiled reader: parse it in Python."""


SCAN_ROWS = 1 << 20  # lines of a section parsed at a time: one chunk's ids are alive


def scan_sections(raw: bytes | mmap.mmap, name: str
                  ) -> tuple[Unigrams, Iterator[tuple[int, int, Iterator[Ngrams]]]] | None:
    """(unigram words in file order, log10 p, log10 backoff) and an iterator over the higher
    orders: (n, count, chunks), where ``chunks`` scans that section a chunk of lines at a time,
    giving (word indices into the unigrams (rows, n), log10 p, log10 backoff) and handing the
    mapped file's pages back as it goes (each section must be read through before the next).
    None where the compiled reader is not built or disabled, or the header or unigrams are not
    regular; the iterators raise ``Irregular`` at a later section that is not (module doc)."""
    fc = compiled()
    at = raw.find(b"\\1-grams:")
    if fc is None or not hasattr(fc, "arpa_section") or at < 0:  # not built, or built before it
        return None
    try:
        head = raw[:at].decode("utf-8")
    except UnicodeDecodeError:
        return None
    declared, _ = parse_header(head.splitlines(), name)
    uni = _Section(fc, raw, at, 1, declared[0], None)
    try:
        [(_, logp, bow)] = uni.chunks()  # the unigrams come in one chunk
    except Irregular:
        return None
    assert uni.words is not None

    def higher() -> Iterator[tuple[int, int, Iterator[Ngrams]]]:
        end = uni.end
        for n, count in enumerate(declared[1:], 2):
            section = _Section(fc, raw, end, n, count, uni.words)
            yield n, count, section.chunks()
            if section.end < 0:
                raise Irregular  # the reader did not read it through
            end = section.end
        rest = raw[_BLANK.match(raw, end).end():]  # type: ignore[union-attr]
        if rest.split(b"\n", 1)[0].strip() != b"\\end\\":
            raise Irregular

    return (uni.words, logp, bow), higher()


class _Section:
    """One n-gram section scanned from byte ``pos``: ``chunks`` parses it a chunk of lines at a
    time; then ``end`` is the byte after it (and ``words`` the unigrams, for order 1)."""

    def __init__(self, fc: ModuleType, raw: bytes | mmap.mmap, pos: int, n: int, count: int,
                 words: list[str] | None) -> None:
        self.fc, self.raw, self.pos, self.n, self.count = fc, raw, pos, n, count
        self.words, self.end = words, -1

    def chunks(self) -> Iterator[Ngrams]:
        raw, n = self.raw, self.n
        at = _section_start(raw, self.pos, n)
        if at < 0:
            raise Irregular
        left = self.count
        rows = self.count if n == 1 else SCAN_ROWS  # the unigrams' words come in one list
        while True:
            k = min(left, rows)
            ids, logp, bow = np.empty(k * n, np.int64), np.empty(k), np.empty(k)
            at, got = self.fc.arpa_section(raw, at, n, k, self.words, ids, logp, bow)
            if at < 0:
                raise Irregular
            if n == 1:
                self.words = got
            forget(raw, at)
            yield ids.reshape(k, n), logp, bow
            left -= k
            if not left:
                break
        if not _section_ends(raw, at):
            raise Irregular
        self.end = at


def forget(raw: bytes | mmap.mmap, upto: int) -> None:
    """Hand back the pages of a mapped file before byte ``upto`` (read already); a no-op for
    bytes in memory."""
    if isinstance(raw, mmap.mmap):
        release_pages(raw, 0, upto)


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
