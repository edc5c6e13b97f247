"""Vectorised scoring: find, for every predicted position, the longest n-gram in the tables.

All positions of all units are handled at once, one ``np.searchsorted`` per order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlm.ngram.counting import lookup


@dataclass
class Matches:
    """Per target position: rows of the n-grams ending there (one array per order, -1 absent)."""

    end_ids: list[np.ndarray]   # end_ids[n-1][t]: row of the n-gram ending at t in order n
    max_len: np.ndarray         # longest n-gram that fits in the unit at t (min(order, t-start+1))


def match(keys: list[np.ndarray], seq: np.ndarray, unit_start: np.ndarray,
          vocab_size: int) -> Matches:
    """Look up every n-gram ending at every position of ``seq`` (units back to back)."""
    V = np.int64(vocab_size)
    pos = np.arange(len(seq), dtype=np.int64)
    ends = [seq.astype(np.int64)]
    for n in range(2, len(keys) + 1):
        prev = ends[-1]
        cur = np.full(len(seq), -1, dtype=np.int64)
        if len(seq) > 1:
            t = np.nonzero((pos[1:] - (n - 1) >= unit_start[1:]) & (prev[:-1] >= 0))[0] + 1
            cur[t] = lookup(keys[n - 1], prev[t - 1] * V + seq[t])
        ends.append(cur)
    max_len = np.minimum(pos - unit_start + 1, len(keys))
    return Matches(ends, max_len)


def longest(m: Matches, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(length of the longest seen n-gram ending at each target, its row in that order)."""
    length = np.ones(len(targets), dtype=np.int64)
    row = m.end_ids[0][targets].copy()
    for n in range(2, len(m.end_ids) + 1):
        r = m.end_ids[n - 1][targets]
        hit = r >= 0
        length[hit] = n
        row[hit] = r[hit]
    return length, row


def backoff_scores(m: Matches, targets: np.ndarray, logp: list[np.ndarray],
                   logbow: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """ARPA scoring: log p of the longest n-gram plus the backoffs of the longer contexts."""
    length, row = longest(m, targets)
    out = np.zeros(len(targets))
    for n in range(1, len(logp) + 1):
        sel = length == n
        out[sel] = logp[n - 1][row[sel]]
    for k in range(1, len(logp)):  # context of length k ending just before the target
        ctx = m.end_ids[k - 1][targets - 1]
        use = (length <= k) & (ctx >= 0) & (m.max_len[targets] > k)
        out[use] += logbow[k - 1][ctx[use]]
    return out, length


def context_total(m: Matches, targets: np.ndarray, n: int, ctx_total: list[np.ndarray]
                   ) -> np.ndarray:
    """How many n-grams follow the (n-1)-word context of each target (0 if the context is new)."""
    if n == 1:
        return np.full(len(targets), float(ctx_total[0][0]))
    ctx = m.end_ids[n - 2][targets - 1]
    return take(ctx_total[n - 1], ctx)


def take(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """values[rows] as float, 0 where a row is -1 (absent); safe on an empty table."""
    out = np.zeros(len(rows))
    hit = rows >= 0
    out[hit] = values[rows[hit]]
    return out
