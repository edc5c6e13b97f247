"""Estimators: turn counts into per-order probability tables in backoff (ARPA) form.

Every interpolated estimator has the shape
    p_n(w | c) = alpha_n(c w) + gamma_n(c) * p_{n-1}(w | c')        (c' = c without its first word)
and the base case p_0(w) = 1 / |P| (uniform over the predicted vocabulary P: every word except
``<s>``, ``<unk>`` included). For a seen n-gram the table stores p_n(w | c); an unseen one is
scored as gamma_n(c) * p_{n-1}(w | c'), so gamma is the ARPA backoff weight. The count-formula
estimators (mle, lidstone, stupid_backoff) are scored directly from counts in ``query.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from seqlm.ngram.counting import OrderCounts, ngram_words
from seqlm.ngram.discounts import mkn_discounts
from seqlm.ngram.errors import ConfigError

INTERPOLATED = ("witten_bell", "absolute", "kneser_ney", "modified_kneser_ney")
COUNT_BASED = ("mle", "laplace", "lidstone", "stupid_backoff")
ESTIMATORS = COUNT_BASED + INTERPOLATED


@dataclass
class Tables:
    """Backoff-form model: per order the log-probability of each n-gram and its log backoff."""

    logp: list[np.ndarray]
    logbow: list[np.ndarray]            # for orders 1..N-1 (as contexts); zeros if not a context
    discounts: list[tuple[float, ...]] = field(default_factory=list)
    fallback: list[bool] = field(default_factory=list)


def check_estimator(name: str) -> str:
    """Validate an estimator name."""
    if name not in ESTIMATORS:
        raise ConfigError(f"unknown estimator {name!r}; choose one of {', '.join(ESTIMATORS)}")
    return name


def effective_counts(tables: list[OrderCounts], adjusted: bool, stream: bool) -> list[np.ndarray]:
    """Raw counts, or Kneser-Ney adjusted counts for every order below the highest.

    The adjusted count of an n-gram is the number of distinct words seen before it; n-grams that
    begin with ``<s>`` keep their raw count (they have nothing before them). In stream mode the
    start of the stream counts as one more distinct left context (as if a ``<s>`` stood there).
    """
    out = [t.count.astype(np.float64) for t in tables]
    if not adjusted:
        return out
    for n in range(len(tables) - 1):
        ext = np.bincount(tables[n + 1].suffix, minlength=len(tables[n].count)).astype(np.float64)
        if stream:
            out[n] = ext + tables[n].starts
        else:
            out[n] = np.where(tables[n].starts, tables[n].count, ext)
    return out


def _weights(name: str, c: np.ndarray, group: np.ndarray, n_groups: int,
             discount: float, d3: tuple[float, float, float] | None
             ) -> tuple[np.ndarray, np.ndarray]:
    """alpha for each n-gram and gamma for each context group, from effective counts ``c``."""
    total = np.bincount(group, weights=c, minlength=n_groups)
    seen = c > 0
    types = np.bincount(group, weights=seen.astype(np.float64), minlength=n_groups)
    safe = np.where(total > 0, total, 1.0)
    if name == "witten_bell":
        denom = np.where(total + types > 0, total + types, 1.0)
        return c / denom[group], types / denom
    if name in ("absolute", "kneser_ney"):
        alpha = np.maximum(c - discount, 0.0) / safe[group]
        return alpha, discount * types / safe
    assert d3 is not None
    dk = np.array([0.0, d3[0], d3[1], d3[2]])
    bucket = np.minimum(c, 3).astype(np.int64)
    alpha = (c - dk[bucket]) / safe[group]
    mass = np.bincount(group, weights=dk[bucket] * seen, minlength=n_groups)
    return alpha, mass / safe


def lmplz_stat_counts(tables: list[OrderCounts], counts: list[np.ndarray],
                      first_seen: np.ndarray, bos: int) -> list[np.ndarray]:
    """Counts for the counts-of-counts exactly as lmplz collects them.

    lmplz streams n-grams in suffix order of its word ids (ids in order of first appearance)
    and, for each order below the highest, adds the very last n-gram of that stream to its
    statistics with the raw count instead of the adjusted one. We reproduce that so the
    discounts are identical (the effect is one n-gram per order, visible in the 3rd decimal).
    """
    out = [c.copy() for c in counts]
    if len(tables) < 2:
        return out
    V = len(first_seen)
    words = ngram_words([t.keys for t in tables[:-1]], V)
    for n, w in enumerate(words, 1):
        if len(w) == 0:
            continue
        cand = np.arange(len(w))
        for j in range(n - 1, -1, -1):
            kid = first_seen[w[cand, j]]
            cand = cand[kid == kid.max()]
        last = int(cand[0])
        if w[last, 0] != bos:
            out[n - 1][last] = tables[n - 1].count[last]
    return out


def interpolated_tables(name: str, tables: list[OrderCounts], vocab_size: int,
                        predicted: np.ndarray, stream: bool, discount: float,
                        interpolate_unigram: bool = True,
                        first_seen: np.ndarray | None = None, bos: int = -1) -> Tables:
    """Build the backoff-form tables of an interpolated estimator.

    ``predicted`` is a boolean mask over the vocabulary of the words that can be predicted.
    With ``interpolate_unigram=False`` the unigram level is the plain relative frequency (nltk.lm's
    convention, unseen words get 0); the default mixes it with the uniform distribution.
    """
    kn = name in ("kneser_ney", "modified_kneser_ney")
    counts = effective_counts(tables, adjusted=kn, stream=stream)
    counts[0] = np.where(predicted, counts[0], 0.0)
    stat_counts = counts
    if name == "modified_kneser_ney" and first_seen is not None:
        stat_counts = lmplz_stat_counts(tables, counts, first_seen, bos)
    order = len(tables)
    V = np.int64(vocab_size)
    logp: list[np.ndarray] = []
    gammas: list[np.ndarray] = []
    discounts: list[tuple[float, ...]] = []
    fallback: list[bool] = []
    prob_prev = np.zeros(0)
    for n in range(1, order + 1):
        c = counts[n - 1]
        d3 = None
        if name == "modified_kneser_ney":
            d3, fb = mkn_discounts(stat_counts[n - 1])
            discounts.append(d3)
            fallback.append(fb)
        elif name in ("absolute", "kneser_ney"):
            discounts.append((discount,))
        if n == 1:
            group = np.zeros(len(c), dtype=np.int64)
            alpha, gamma = _weights(name, c, group, 1, discount, d3)
            if interpolate_unigram:
                p = alpha + gamma[0] / predicted.sum()
            else:
                p = c / max(c.sum(), 1.0)
            p = np.where(predicted, p, 0.0)
        else:
            keys = tables[n - 1].keys
            group = keys // V
            alpha, gamma = _weights(name, c, group, len(tables[n - 2].count), discount, d3)
            p = alpha + gamma[group] * prob_prev[tables[n - 1].suffix]
            gammas.append(gamma)
        with np.errstate(divide="ignore"):
            logp.append(np.log(p))
        prob_prev = p
    logbow = [np.log(np.where(g > 0, g, 1.0)) for g in gammas]
    return Tables(logp, logbow, discounts, fallback)
