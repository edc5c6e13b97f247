"""Vectorised n-gram counting over integer-encoded text: sort/unique per order, no Python dicts.

An n-gram of order n is identified by ``key = prefix_id * V + word`` where ``prefix_id`` is the
row of its first n-1 words in the order n-1 table (for unigrams ``key = word``). Keys are sorted,
so all continuations of one context are contiguous and lookups are ``np.searchsorted``.
With the compiled extension (``cext.py``) each order is sorted by two counting-sort passes
instead of ``np.argsort``; both paths return identical tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from seqlm.ngram.cext import compiled


@dataclass
class OrderCounts:
    """All distinct n-grams of one order n and their raw counts."""

    keys: np.ndarray    # sorted int64 prefix_id * V + word (order 1: word id, dense 0..V-1)
    suffix: np.ndarray  # row in order n-1 of the n-gram without its first word (order 1: -1)
    count: np.ndarray   # raw count (int64)
    starts: np.ndarray  # bool: occurs at the very start of a unit (begins with <s> in sentences)


def released(a: np.ndarray) -> np.ndarray:
    """An empty array of ``a``'s dtype and row shape to put in its place: unlike ``a[:0]``, a
    view that keeps all of ``a``'s memory alive, it lets the memory go."""
    return np.empty((0, *a.shape[1:]), dtype=a.dtype)


def lookup(keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Rows of ``query`` values in the sorted ``keys``; -1 where absent."""
    if len(keys) == 0:
        return np.full(len(query), -1, dtype=np.int64)
    pos = np.searchsorted(keys, query)
    pos = np.minimum(pos, len(keys) - 1)
    return np.where(keys[pos] == query, pos, -1).astype(np.int64)


def _unique(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """np.unique(key, return_index, return_inverse, return_counts) with an unstable sort.

    Any occurrence serves as the representative (we only need its suffix), so the faster
    non-stable sort is enough.
    """
    perm = np.argsort(key)
    sk = key[perm]
    new = np.empty(len(sk), dtype=bool)
    new[0] = True
    np.not_equal(sk[1:], sk[:-1], out=new[1:])
    bounds = np.nonzero(new)[0]
    inv = np.empty(len(sk), dtype=np.int64)
    inv[perm] = np.cumsum(new) - 1
    cnt = np.diff(np.append(bounds, len(sk)))
    return sk[bounds], perm[bounds], inv, cnt


def count_ngrams(seq: np.ndarray, unit_start: np.ndarray, order: int, vocab_size: int
                 ) -> list[OrderCounts]:
    """Count every n-gram (n = 1..order) that lies inside one unit of ``seq``.

    ``seq`` holds the word ids of all units back to back and ``unit_start[t]`` is the position
    where the unit containing position t begins; n-grams never cross units.
    """
    fc = compiled()
    if fc is not None and len(seq) < 2**31 - 1 and vocab_size < 2**31 - 1:
        return _count_compiled(fc, seq, unit_start, order, vocab_size)
    V = np.int64(vocab_size)
    pos = np.arange(len(seq), dtype=np.int64)
    uni_count = np.bincount(seq, minlength=vocab_size).astype(np.int64)
    uni_starts = np.zeros(vocab_size, dtype=bool)
    uni_starts[seq[pos == unit_start]] = True
    out = [OrderCounts(np.arange(vocab_size, dtype=np.int64),
                       np.full(vocab_size, -1, dtype=np.int64), uni_count, uni_starts)]
    end_id = seq.astype(np.int64)  # row of the (n-1)-gram ending at each position, -1 if none
    for n in range(2, order + 1):
        valid = np.nonzero(pos[1:] - (n - 1) >= unit_start[1:])[0] + 1
        if len(valid) == 0:
            empty = np.zeros(0, dtype=np.int64)
            out.append(OrderCounts(empty, empty, empty, np.zeros(0, dtype=bool)))
            end_id = np.full(len(seq), -1, dtype=np.int64)
            continue
        key = end_id[valid - 1] * V + seq[valid]
        uniq, first, inv, cnt = _unique(key)
        suffix = end_id[valid[first]]
        starts = np.zeros(len(uniq), dtype=bool)
        starts[inv[valid - (n - 1) == unit_start[valid]]] = True
        out.append(OrderCounts(uniq, suffix, cnt.astype(np.int64), starts))
        new_end = np.full(len(seq), -1, dtype=np.int64)
        new_end[valid] = inv
        end_id = new_end
    return out


def _count_compiled(fc: ModuleType, seq: np.ndarray, unit_start: np.ndarray, order: int,
                    vocab_size: int) -> list[OrderCounts]:
    """count_ngrams with the C counting sort: positions are sorted by word once, then each
    order stably by the row of its (n-1)-word prefix, which orders them by key. Returns views
    of length-N buffers (untouched tails cost no memory); numpy allocates every large buffer
    (it asks for huge pages). Positions, rows and words are int32 inside (N, V < 2**31)."""
    seq = np.ascontiguousarray(seq, dtype=np.int64)
    unit_start = np.ascontiguousarray(unit_start, dtype=np.int64)
    N = len(seq)
    word_perm = np.empty(N, dtype=np.int32)
    uni = OrderCounts(np.arange(vocab_size, dtype=np.int64),
                      np.full(vocab_size, -1, dtype=np.int64),
                      np.empty(vocab_size, dtype=np.int64), np.empty(vocab_size, dtype=bool))
    fc.count_words(seq, unit_start, vocab_size, word_perm, uni.count, uni.starts)
    out = [uni]
    if order < 2:
        return out
    seq32 = seq.astype(np.int32)
    n_prev_max = max(N, vocab_size)  # order 2 has V prefix rows, every later one <= N
    work = np.empty(fc.work_size(N, n_prev_max) // 8 + 1, dtype=np.int64)
    end_prev = seq32  # row of the (n-1)-gram ending at each position, -1 if none
    spare = [np.empty(N, dtype=np.int32), np.empty(N, dtype=np.int32)]
    for n in range(2, order + 1):
        keys, suffix, count = (np.empty(N, dtype=np.int64) for _ in range(3))
        starts = np.empty(N, dtype=bool)
        end_new = spare[n % 2]
        rows = fc.count_order(seq32, unit_start, end_prev, word_perm, n, vocab_size,
                              len(out[-1].keys), keys, suffix, count, starts, end_new, work)
        out.append(OrderCounts(keys[:rows], suffix[:rows], count[:rows], starts[:rows]))
        end_prev = end_new
    return out


def first_positions(seq: np.ndarray, vocab_size: int) -> np.ndarray:
    """int64 per word id: its first position in ``seq``, -1 if it does not occur."""
    out = np.full(vocab_size, -1, dtype=np.int64)
    fc = compiled()
    if fc is not None:
        fc.first_positions(np.ascontiguousarray(seq, dtype=np.int64), vocab_size, out)
    elif len(seq):
        words, first = np.unique(seq, return_index=True)
        out[words] = first
    return out
