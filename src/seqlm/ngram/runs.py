"""Counts of a part of a corpus in a form that merges: the building block of out-of-core
(streaming.py) and cluster (cluster.py) counting.

A ``Run`` holds, per order n >= 2, the word ids of every distinct n-gram as an (rows, n) int32
matrix in lexicographic order - which is exactly the order of seqlm's keys (prefix row * V +
word) - with its count and whether it begins a unit; order 1 is dense (V counts). Runs of
different parts merge by concatenating, sorting and summing; ``assemble`` turns merged word
matrices back into the ``OrderCounts`` tables the estimators read, so the model equals the
in-memory one count for count.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from seqlm.data.vocab import Vocab
from seqlm.ngram.cext import compiled
from seqlm.ngram.counting import OrderCounts, count_ngrams, first_positions, lookup, released
from seqlm.ngram.spool import Spool, chunks, drop, in_memory
from seqlm.ngram.tokens import Tokens

ASSEMBLE_STATE = 68  # items of the compiled assemble_order's state between chunks


@dataclass
class Run:
    """Counts of one part: ``words[n-1]`` (rows, n) int32 sorted, ``count``, ``starts``."""

    words: list[np.ndarray]
    count: list[np.ndarray]
    starts: list[np.ndarray]
    tokens: int = 0              # positions counted (markers included)
    first: np.ndarray | None = None  # first position of each word id in the part, -1 absent


def count_tokens(toks: Tokens, vocab: Vocab, order: int) -> Run:
    """Count every n-gram of a tokenised part with the (compiled) counter. The word matrices
    are built int32, order by order, and each order's keys and suffix rows are dropped once its
    matrix is made, so the tables and the matrices never coexist whole."""
    seq, unit_start = toks.sequence(vocab)
    V = len(vocab)
    tables = count_ngrams(seq, unit_start, order, V)
    first, tokens = first_positions(seq, V), len(seq)
    del seq, unit_start
    count, starts = [t.count for t in tables], [t.starts for t in tables]
    words = [np.arange(V, dtype=np.int32).reshape(-1, 1)]
    for n in range(1, order):
        prefix, last = np.divmod(tables[n].keys, np.int64(V))
        tables[n] = OrderCounts(released(prefix), released(prefix), count[n], starts[n])
        w = np.empty((len(prefix), n + 1), dtype=np.int32)
        w[:, :n] = words[-1][prefix]
        w[:, n] = last
        del prefix, last
        words.append(w)
    return Run(words, count, starts, tokens, first)


def merge_order(words: list[np.ndarray], count: list[np.ndarray], starts: list[np.ndarray]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge parts of one order (each sorted or not): distinct rows, summed counts, OR'd
    starts, in lexicographic order. Sorted parts (as the counter makes them) are merged
    pairwise in linear passes by the compiled ``merge_rows``; others are sorted by numpy."""
    fast = compiled()
    if fast is not None and words and words[0].ndim == 2:
        merged = _merge_sorted(fast, words, count, starts)
        if merged is not None:
            return merged
    w = np.concatenate(words) if len(words) > 1 else words[0]
    c = np.concatenate(count) if len(count) > 1 else count[0]
    s = np.concatenate(starts) if len(starts) > 1 else starts[0]
    if len(w) == 0:
        return w, c, s
    packed = pack_rows(w)
    perm = np.argsort(packed[0]) if len(packed) == 1 else np.lexsort(packed[::-1])
    new = np.empty(len(w), dtype=bool)
    new[0] = True
    np.not_equal(packed[0][perm[1:]], packed[0][perm[:-1]], out=new[1:])
    for col in packed[1:]:
        new[1:] |= col[perm[1:]] != col[perm[:-1]]
    at = perm[np.nonzero(new)[0]]
    groups = np.nonzero(new)[0]
    return w[at], np.add.reduceat(c[perm], groups), np.logical_or.reduceat(s[perm], groups)


def _merge_sorted(fast: ModuleType, words: list[np.ndarray], count: list[np.ndarray],
                  starts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Pairwise linear merges of strictly increasing parts; None if a part is not."""
    n = words[0].shape[1]
    parts = [(np.ascontiguousarray(w, dtype=np.int32), np.ascontiguousarray(c, dtype=np.int64),
              np.ascontiguousarray(s, dtype=bool)) for w, c, s in zip(words, count, starts,
                                                                      strict=True)]
    if len(parts) == 1:  # checked (and copied) by a merge with nothing
        parts.append((parts[0][0][:0], parts[0][1][:0], parts[0][2][:0]))
    while len(parts) > 1:
        merged = []
        for a, b in zip(parts[::2], parts[1::2], strict=False):
            total = len(a[0]) + len(b[0])
            out = (np.empty((total, n), np.int32), np.empty(total, np.int64),
                   np.empty(total, bool))
            rows = fast.merge_rows(*a, *b, n, *out)
            if rows < 0:
                return None
            merged.append((out[0][:rows], out[1][:rows], out[2][:rows]))
        parts = merged + parts[len(merged) * 2:]
    return parts[0]


def pack_rows(w: np.ndarray) -> list[np.ndarray]:
    """Rows of word ids as int64 keys, most significant first, as many words per key as fit in
    63 bits: their lexicographic order is the rows' (one key for a 4-gram of a 30k-word
    vocabulary), so sorting takes one or two keys instead of one per column."""
    bits = max(1, int(w.max()).bit_length()) if w.size else 1
    per = max(1, 63 // bits)
    keys = []
    for a in range(0, w.shape[1], per):
        k = w[:, a].astype(np.int64)
        for j in range(a + 1, min(a + per, w.shape[1])):
            k <<= bits
            k |= w[:, j]
        keys.append(k)
    return keys


def merge_runs(runs: list[Run]) -> Run:
    """All runs merged into one (in memory)."""
    order = len(runs[0].words)
    merged = Run([runs[0].words[0]], [np.sum([r.count[0] for r in runs], axis=0)],
                 [np.logical_or.reduce([r.starts[0] for r in runs])],
                 sum(r.tokens for r in runs))
    for n in range(1, order):
        w, c, s = merge_order([r.words[n] for r in runs], [r.count[n] for r in runs],
                              [r.starts[n] for r in runs])
        merged.words.append(w)
        merged.count.append(c)
        merged.starts.append(s)
    return merged


def assemble(run: Run, vocab_size: int, spool: Spool | None = None) -> list[OrderCounts]:
    """The OrderCounts tables (keys, suffix rows, counts, starts) of merged counts. Consumes
    ``run``: each order's word matrix is released once its keys are made (the counts are
    shared, not copied), so the merged words and the tables never coexist whole. The compiled
    ``assemble_order`` finds the rows by merge joins with the orders below (linear), numpy
    by binary searches. With a ``spool`` the keys and suffix rows are file-backed and made a
    chunk at a time, handing each chunk's pages back (the order below, searched at random,
    stays resident while its order is made)."""
    V = np.int64(vocab_size)
    fast = compiled()
    new = in_memory if spool is None else spool.empty
    out = [OrderCounts(np.arange(vocab_size, dtype=np.int64),
                       np.full(vocab_size, -1, dtype=np.int64),
                       np.asarray(run.count[0], dtype=np.int64),
                       np.asarray(run.starts[0], dtype=bool))]
    for n in range(2, len(run.words) + 1):
        w = run.words[n - 1] if spool is not None else np.ascontiguousarray(run.words[n - 1])
        run.words[n - 1] = released(w)
        keys, suffix = new(len(w), np.int64), new(len(w), np.int64)
        state = np.zeros(ASSEMBLE_STATE, dtype=np.int64)
        offsets = np.empty(len(out[n - 3].keys) + 1 if n > 2 else 0, dtype=np.int64)
        for a, b in chunks(len(w), len(w) if spool is None else None):
            part, k, s = w[a:b], keys[a:b], suffix[a:b]
            if n == 2:  # the prefix row is the first word, the suffix row (w2) the second
                np.multiply(part[:, 0], V, out=k)
                k += part[:, 1]
                s[:] = part[:, 1]
                good = _consistent(k, s)
            elif fast is not None:
                good = fast.assemble_order(part, n, [t.keys for t in out[1:n - 1]],
                                           out[n - 2].suffix, int(V), offsets, k, s, state)
            else:
                k[:], s[:] = _rows_by_search(part, out, V)
                good = _consistent(k, s)
            if good and a and (n == 2 or fast is None):  # across chunks (C: in its state)
                good = bool(keys[a - 1] < keys[a])
            if not good:
                raise ValueError(f"order {n}: merged counts are inconsistent")
            drop(part, k, s, *(t.keys for t in out[1:n - 2]), out[n - 2].suffix)
        drop(out[n - 2].keys)
        if spool is not None:
            spool.discard(w)  # the merged words are read: their disk space goes
        del w, offsets
        out.append(OrderCounts(keys, suffix, _typed(run.count[n - 1], np.int64),
                               _typed(run.starts[n - 1], np.bool_)))
    return out


def _typed(a: np.ndarray, dtype: type) -> np.ndarray:
    """``a`` itself when it has ``dtype`` (a memory-mapped array stays one), else a copy."""
    return a if a.dtype == dtype else a.astype(dtype)


def _consistent(keys: np.ndarray, suffix: np.ndarray) -> bool:
    """Whether numpy's keys and suffix rows are those of merged counts: every row found (no
    -1 from a lookup, no negative id) and the keys strictly increasing."""
    return not len(keys) or bool((keys >= 0).all() and (suffix >= 0).all()
                                 and (np.diff(keys) > 0).all())


def _rows_by_search(w: np.ndarray, out: list[OrderCounts], V: np.int64
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(keys, suffix rows) of one order n >= 3 by binary searches in the orders below."""
    n = w.shape[1]
    row = w[:, 0].astype(np.int64)  # row of the (n-1)-word prefix, order by order
    for k in range(1, n - 1):
        row = lookup(out[k].keys, row * V + w[:, k])
    # (w2..wn) = the prefix's own suffix row (w2..w(n-1)), extended by wn
    suffix = out[n - 2].suffix[row]
    suffix *= V
    suffix += w[:, n - 1]
    suffix = lookup(out[n - 2].keys, suffix)
    row *= V
    row += w[:, n - 1]
    return row, suffix
