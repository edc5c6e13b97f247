"""ARPA back-off files (log10 probabilities and backoffs), read and written.

Writing needs a backoff-form model (witten_bell, absolute, kneser_ney, modified_kneser_ney, or
one read from ARPA). ``<s>`` gets the conventional -99 probability (it is never predicted).
Reading validates everything and raises ArpaError (a DataError) on any problem.
"""

from __future__ import annotations

import codecs
import math
import mmap
import os
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, repeat
from pathlib import Path

import numpy as np

from seqlm.data.conventions import BOS
from seqlm.data.vocab import UNK, Vocab
from seqlm.io import map_bytes, open_output
from seqlm.ngram.arpa_scan import Irregular, forget, parse_header, scan_sections
from seqlm.ngram.cext import compiled
from seqlm.ngram.counting import lookup
from seqlm.ngram.errors import ArpaError, ConfigError, DataError
from seqlm.ngram.estimators import Tables
from seqlm.ngram.model import NgramLM
from seqlm.ngram.spool import chunks, drop

LOG10 = math.log(10.0)
MAX_BACKOFF = 1000.0  # |log10 backoff| above this is a damaged file (real ones are within +-50)
CHUNK = 1 << 16  # lines of a section parsed at a time


def write_arpa(model: NgramLM, path: str | os.PathLike[str]) -> None:
    """Write ``model`` as an ARPA file (atomically; ``-`` is standard output)."""
    model._require_fitted()
    if model.tables is None:
        raise ConfigError(f"estimator {model.estimator!r} has no backoff form; ARPA needs an "
                          "interpolated one (witten_bell, absolute, kneser_ney, "
                          "modified_kneser_ney)")
    bad = [t for t in model.vocab.idx_to_token if t.split() != [t]]
    if bad:
        raise ConfigError(f"ARPA separates words by whitespace, so tokens such as {bad[0]!r} "
                          f"({len(bad)} in this vocabulary, e.g. a character model's spaces "
                          "and newlines) cannot be written in it; save as .npz instead")
    V = np.int64(len(model.vocab))
    tokens = Tokens(model.vocab.idx_to_token)
    with open_output(path, "wb") as fh:
        fh.write(b"\n\\data\\\n")
        for n, k in enumerate(model.keys, 1):
            fh.write(f"ngram {n}={len(k)}\n".encode())
        for n in range(1, model.order + 1):
            fh.write(f"\n\\{n}-grams:\n".encode())
            for a, b in chunks(len(model.keys[n - 1]), WRITE_ROWS):
                fh.write(_lines(model, n, a, b, tokens, V))
        fh.write(b"\n\\end\\\n")


WRITE_ROWS = 1 << 18  # n-grams formatted at a time: memory stays flat, whatever the model


class Tokens:
    """The vocabulary as the writers want it: Python strings, and one UTF-8 blob with offsets
    for the compiled formatter."""

    def __init__(self, itos: list[str]) -> None:
        self.itos = np.array(itos, dtype=object)
        encoded = [t.encode("utf-8") for t in itos]
        self.blob = b"".join(encoded)
        self.offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=self.offsets[1:])


def _lines(model: NgramLM, n: int, a: int, b: int, tokens: Tokens, V: np.int64) -> bytes:
    """The ARPA lines of rows [a, b) of order n, UTF-8: the words are read back through the
    prefix rows of the orders below (no word matrix of the whole model is built), the lines
    formatted in C when the extension is built (the same bytes as Python's f-strings)."""
    assert model.tables is not None
    words = np.empty((b - a, n), dtype=np.int64)
    cur = np.arange(a, b)
    for j in range(n - 1, 0, -1):
        key = model.keys[j][cur]
        words[:, j] = key % V
        cur = key // V
    words[:, 0] = model.keys[0][cur]
    lp = model.tables.logp[n - 1][a:b] / LOG10
    lp = np.where(np.isfinite(lp), np.minimum(lp, 0.0), -99.0)
    bow = model.tables.logbow[n - 1][a:b] / LOG10 if n < model.order else None
    drop(model.keys[n - 1][a:b], model.tables.logp[n - 1][a:b],
         *([model.tables.logbow[n - 1][a:b]] if bow is not None else []))
    fc = compiled()
    if fc is not None:
        return bytes(fc.format_arpa(words, n, lp, bow, tokens.blob, tokens.offsets))
    text = tokens.itos[words[:, 0]]
    for j in range(1, n):
        text = text + " " + tokens.itos[words[:, j]]
    if bow is None:
        lines = [f"{p:.7g}\t{w}\n" for p, w in zip(lp.tolist(), text.tolist(), strict=True)]
    else:
        lines = [f"{p:.7g}\t{w}\t{g:.7g}\n" if g != 0 else f"{p:.7g}\t{w}\n"
                 for p, w, g in zip(lp.tolist(), text.tolist(), bow.tolist(), strict=True)]
    return "".join(lines).encode("utf-8")


def _float(tok: str, where: str, is_prob: bool = True) -> float:
    """A log10 value; probabilities must be <= 0 (tiny positive rounding is clipped)."""
    try:
        if "_" in tok:  # Python's float() accepts 1_0; ARPA numbers are plain decimals
            raise ValueError(tok)
        v = float(tok)
    except ValueError:
        raise ArpaError(f"{where}: {tok!r} is not a number") from None
    if math.isnan(v):
        raise ArpaError(f"{where}: NaN is not a log10 value")
    if is_prob:
        if v > 1e-3:
            raise ArpaError(f"{where}: log10 probability {tok} is above 0")
        return min(v, 0.0) if v != -math.inf else -99.0
    if not math.isfinite(v) or abs(v) > MAX_BACKOFF:
        raise ArpaError(f"{where}: backoff {tok} is not finite or beyond +-{MAX_BACKOFF:g}")
    return v


def read_arpa(path: str | os.PathLike[str], mode: str = "sentence",
              tokenizer: str = "word") -> NgramLM:
    """Read an ARPA file into a backoff-form NgramLM (estimator ``"arpa"``)."""
    p = Path(path)
    try:
        raw = map_bytes(path)  # plain (mapped), .gz, .bz2, .xz (told by content) or - (stdin)
    except DataError as exc:
        raise ArpaError(str(exc)) from None
    _check_utf8(raw, p)
    fast = scan_sections(raw, str(p))
    if fast is not None:
        (words, logp, logbow), higher = fast
        build = _Builder(Section(logp, [[w] for w in words], logbow), str(p))
        try:
            for n, count, chunks in higher:  # each order built, a chunk at a time, then the next
                build.add(((np.take(build.rows1, ids, out=ids), lp, bow)
                           for ids, lp, bow in chunks), n, count)
            return build.model(mode, tokenizer)
        except Irregular:
            del build
    # not built, disabled, or irregular: the Python parser names any problem
    text = str(memoryview(raw), "utf-8")
    del raw
    return parse_arpa(text, str(p), mode, tokenizer)


def _check_utf8(raw: bytes | mmap.mmap, p: Path, chunk: int = 1 << 24) -> None:
    """ArpaError unless ``raw`` is UTF-8 (decoded a chunk at a time: no copy of the file);
    ASCII, the common case, is told at memory speed."""
    if not len(raw):
        return
    data = np.frombuffer(raw, dtype=np.uint8)
    ascii_only = True
    for a in range(0, len(raw), chunk):  # a chunk at a time: a mapped file's pages go back
        ascii_only = ascii_only and int(data[a:a + chunk].max()) < 0x80
        forget(raw, a + chunk)
        if not ascii_only:
            break
    del data
    if ascii_only:
        return
    dec = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    for a in range(0, len(raw) + 1, chunk):
        try:
            dec.decode(view[a:a + chunk], final=a + chunk >= len(raw))
        except UnicodeDecodeError as exc:
            raise ArpaError(f"{p} is not UTF-8 text ({exc.reason} at byte {a + exc.start})"
                            ) from None
        forget(raw, a + chunk)


def parse_arpa(text: str, name: str = "<arpa>", mode: str = "sentence",
               tokenizer: str = "word") -> NgramLM:
    """Parse ARPA text (see :func:`read_arpa`)."""
    lines = text.splitlines()
    declared, i = parse_header(lines, name)
    if len(lines) < sum(declared):
        raise ArpaError(f"{name}: the header declares {sum(declared)} n-grams but the file has "
                        f"only {len(lines)} lines (truncated?)")
    order = len(declared)
    build: _Builder | None = None
    for n in range(1, order + 1):
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i == len(lines) or lines[i].strip() != f"\\{n}-grams:":
            raise ArpaError(f"{name}: missing \\{n}-grams: section (truncated?)")
        i += 1
        j = i
        while j < len(lines) and lines[j].strip() and not lines[j].startswith("\\"):
            j += 1
        if j - i != declared[n - 1]:
            raise ArpaError(f"{name}: \\{n}-grams: has {j - i} entries, the header says "
                            f"{declared[n - 1]}")
        if build is None:
            build = _Builder(_section(lines[i:j], n, name, i), name)
        else:  # a chunk of lines at a time becomes ids: few strings are alive at once
            b = build
            b.add((b.ids(_section(lines[a:min(a + CHUNK, j)], n, name, a), n)
                   for a in range(i, j, CHUNK)), n, j - i)
        i = j
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i == len(lines) or lines[i].strip() != "\\end\\":
        raise ArpaError(f"{name}: missing \\end\\ (truncated?)")
    assert build is not None
    return build.model(mode, tokenizer)


@dataclass
class Section:
    """One parsed n-gram section: log10 probabilities, words (rows x n), log10 backoffs."""

    logp: np.ndarray
    words: list[list[str]]
    logbow: np.ndarray


def _numbers(tokens: list[str], name: str, first_line: int, is_prob: bool) -> np.ndarray:
    """Vectorised float parsing; on failure, find and report the bad line."""
    try:
        if any("_" in t for t in tokens):
            raise ValueError("underscore")
        v = np.array(tokens, dtype=np.float64)
    except ValueError:
        for k, t in enumerate(tokens):
            _float(t, f"{name} line {first_line + k + 1}", is_prob)
        raise ArpaError(f"{name}: bad number near line {first_line + 1}") from None
    bad = np.isnan(v) | ((v > 1e-3) if is_prob else ~(np.abs(v) <= MAX_BACKOFF))
    if bad.any():
        k = int(np.nonzero(bad)[0][0])
        _float(tokens[k], f"{name} line {first_line + k + 1}", is_prob)
    if is_prob:
        v = np.where(np.isneginf(v), -99.0, np.minimum(v, 0.0))
    return v


def _section(lines: list[str], n: int, name: str, first: int) -> Section:
    """Split and check the lines of one n-gram section."""
    fields = [ln.split() for ln in lines]
    lens = np.fromiter(map(len, fields), dtype=np.int64, count=len(fields))
    bad = (lens != n + 1) & (lens != n + 2)
    if bad.any():
        k = int(np.nonzero(bad)[0][0])
        raise ArpaError(f"{name} line {first + k + 1}: a {n}-gram line needs {n + 1} or "
                        f"{n + 2} fields")
    logp = _numbers([f[0] for f in fields], name, first, True)
    has_bow = np.nonzero(lens == n + 2)[0]
    logbow = np.zeros(len(fields))
    if len(has_bow):
        logbow[has_bow] = _numbers([fields[k][n + 1] for k in has_bow.tolist()], name,
                                   first, False)
    return Section(logp, [f[1:n + 1] for f in fields], logbow)


class _Builder:
    """Sections -> keys / log-prob / log-backoff arrays on a fresh Vocab, one at a time."""

    def __init__(self, uni: Section, name: str) -> None:
        words = [w[0] for w in uni.words]
        if len(set(words)) != len(words):
            raise ArpaError(f"{name}: duplicate unigrams")
        itos = [UNK] + [w for w in words if w != UNK]
        self.vocab = Vocab.from_dict({"format": "seqlm.vocab/1", "idx_to_token": itos,
                                      "unk": UNK})
        self.name = name
        V = len(self.vocab)
        lp1 = np.full(V, -99.0 * LOG10)  # <unk> absent from the file: effectively impossible
        bow1 = np.zeros(V)
        rows1 = np.array([self.vocab.token_to_idx[w] for w in words], dtype=np.int64)
        self.rows1 = rows1  # vocabulary id of each unigram line
        lp1[rows1] = uni.logp * LOG10
        bow1[rows1] = uni.logbow * LOG10
        if BOS in self.vocab:
            lp1[self.vocab.index(BOS)] = -np.inf  # context only, never predicted
        self.keys = [np.arange(V, dtype=np.int64)]
        self.logp = [lp1]
        self.logbow = [bow1]

    def ids(self, sec: Section, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(word ids (rows, n), log10 p, log10 backoff) of a chunk of an n-gram section."""
        flat = list(chain.from_iterable(sec.words))
        ids = np.fromiter(map(self.vocab.token_to_idx.get, flat, repeat(-1)), dtype=np.int64,
                          count=len(flat))
        if (ids < 0).any():
            bad = flat[int(np.nonzero(ids < 0)[0][0])]
            raise ArpaError(f"{self.name}: {n}-gram word {bad!r} is not a unigram")
        return ids.reshape(len(sec.words), n), sec.logp, sec.logbow

    def add(self, parts: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]], n: int,
            count: int) -> None:
        """Append the n-gram section of ``count`` rows made of ``parts`` (its contexts must
        already be there): each part's keys are made as it comes, so only one part's word ids
        are alive."""
        V, name = len(self.vocab), self.name
        key, logp, logbow = np.empty(count, np.int64), np.empty(count), np.empty(count)
        at = 0
        for ids, lp, bow in parts:
            pid = ids[:, 0]
            for j in range(1, n - 1):
                pid = lookup(self.keys[j], pid * V + ids[:, j])
                if (pid < 0).any():
                    raise ArpaError(f"{name}: a {n}-gram's context is missing from the "
                                    f"{j + 1}-grams")
            b = at + len(ids)
            np.multiply(pid, V, out=key[at:b])
            key[at:b] += ids[:, n - 1]
            logp[at:b], logbow[at:b] = lp, bow
            at = b
        assert at == count
        perm = np.argsort(key, kind="stable")
        key = key[perm]
        if len(key) > 1 and (np.diff(key) == 0).any():
            raise ArpaError(f"{name}: duplicate {n}-grams")
        self.keys.append(key)
        for table, values in ((self.logp, logp), (self.logbow, logbow)):
            values = values[perm]
            values *= LOG10
            table.append(values)

    def model(self, mode: str, tokenizer: str) -> NgramLM:
        """The backoff-form NgramLM (estimator ``"arpa"``)."""
        predicted = np.ones(len(self.vocab), dtype=bool)
        if BOS in self.vocab:
            predicted[self.vocab.index(BOS)] = False
        settings = {"order": len(self.keys), "estimator": "arpa", "mode": mode,
                    "tokenizer": tokenizer}
        return NgramLM.from_arrays(settings, self.vocab, self.keys, predicted, None,
                                   Tables(self.logp, self.logbow[:-1]), self.name)
