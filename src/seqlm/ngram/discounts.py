"""Modified Kneser-Ney discounts from counts-of-counts (Chen & Goodman eq. 26, as KenLM lmplz).

Y = n1 / (n1 + 2 n2) and D_k = k - (k + 1) Y n_{k+1} / n_k for k = 1, 2, 3 (D_3 is used for
every count >= 3). The closed form is undefined when some n_k (k <= 3) is zero, and meaningless
when a D_k falls outside [0, k]; then, like ``lmplz --discount_fallback``, the order uses the
fallback discounts (0.5, 1.0, 1.5). Tiny corpora and character data hit this.
"""

from __future__ import annotations

import numpy as np

from seqlm.ngram.spool import chunks, drop

FALLBACK = (0.5, 1.0, 1.5)


def counts_of_counts(counts: np.ndarray) -> np.ndarray:
    """n_k for k = 0..4: how many n-grams have (adjusted) count exactly k (a chunk at a time:
    no order-sized temporary, and a file-backed order's pages are handed back as read)."""
    n = np.zeros(5, dtype=np.int64)
    for a, b in chunks(len(counts)):
        part = counts[a:b]
        n += np.bincount(part[part <= 4].astype(np.int64), minlength=5)[:5]
        drop(part)
    return n


def mkn_discounts(counts: np.ndarray) -> tuple[tuple[float, float, float], bool]:
    """(D1, D2, D3+) for one order, and whether the fallback was used."""
    n = counts_of_counts(counts).astype(np.float64)
    if n[1] == 0 or n[2] == 0 or n[3] == 0:
        return FALLBACK, True
    y = n[1] / (n[1] + 2.0 * n[2])
    d = tuple(float(k - (k + 1) * y * n[k + 1] / n[k]) for k in (1, 2, 3))
    if any(not (0.0 <= dk <= k) for k, dk in zip((1, 2, 3), d, strict=True)):
        return FALLBACK, True
    return (d[0], d[1], d[2]), False
