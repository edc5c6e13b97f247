"""Estimators: turn counts into per-order probability tables in backoff (ARPA) form.

Every interpolated estimator has the shape
    p_n(w | c) = alpha_n(c w) + gamma_n(c) * p_{n-1}(w | c')        (c' = c without its first word)
and the base case p_0(w) = 1 / |P| (uniform over the predicted vocabulary P: every word except
``<s>``, ``<unk>`` included). For a seen n-gram the table stores p_n(w | c); an unseen one is
scored as gamma_n(c) * p_{n-1}(w | c'), so gamma is the ARPA backoff weight. The count-formula
estimators (mle, lidstone, stupid_backoff) are scored from counts (count_based.py). Each estimator
is a class registered by name (smoothing.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from seqlm.ngram.counting import OrderCounts, ngram_words
from seqlm.ngram.discounts import mkn_discounts
from seqlm.ngram.errors import ConfigError
from seqlm.ngram.smoothing import ESTIMATORS, Smoothing, SmoothingConfig


@dataclass
class Tables:
    """Backoff-form model: per order the log-probability of each n-gram and its log backoff."""

    logp: list[np.ndarray]
    logbow: list[np.ndarray]            # for orders 1..N-1 (as contexts); zeros if not a context
    discounts: list[tuple[float, ...]] = field(default_factory=list)
    fallback: list[bool] = field(default_factory=list)


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


class Interpolated(Smoothing):
    """p_n(w|c) = alpha_n(c w) + gamma_n(c) p_{n-1}(w|c'), stored in backoff form."""

    backoff_form = True
    adjusted: ClassVar[bool] = False  # Kneser-Ney: continuation counts below the top order
    lmplz_statistics: ClassVar[bool] = False  # discounts from counts collected as lmplz does

    def order_discounts(self, counts: np.ndarray) -> tuple[tuple[float, ...], bool] | None:
        """The discounts of one order from its (statistics) counts and whether a fallback was
        used; None for an estimator without discounts."""
        return None

    def weights(self, c: np.ndarray, group: np.ndarray, n_groups: int,
                discounts: tuple[float, ...] | None) -> tuple[np.ndarray, np.ndarray]:
        """alpha for each n-gram (effective counts ``c``, context ``group``) and gamma for each
        of the ``n_groups`` contexts."""
        raise NotImplementedError

    def tables(self, tables: list[OrderCounts], vocab_size: int, predicted: np.ndarray,
               stream: bool, first_seen: np.ndarray | None = None, bos: int = -1) -> Tables:
        """The backoff-form model of the counts (``interpolated_tables``)."""
        return interpolated_tables(self, tables, vocab_size, predicted, stream, first_seen, bos)


def _totals(c: np.ndarray, group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Per context: the total effective count and the number of seen types."""
    total = np.bincount(group, weights=c, minlength=n_groups)
    types = np.bincount(group, weights=(c > 0).astype(np.float64), minlength=n_groups)
    return total, types


@ESTIMATORS.register("witten_bell", config=SmoothingConfig)
class WittenBell(Interpolated):
    """Witten-Bell: alpha = c / (total + types), gamma = types / (total + types)."""

    def weights(self, c: np.ndarray, group: np.ndarray, n_groups: int,
                discounts: tuple[float, ...] | None) -> tuple[np.ndarray, np.ndarray]:
        total, types = _totals(c, group, n_groups)
        denom = np.where(total + types > 0, total + types, 1.0)
        return c / denom[group], types / denom


@ESTIMATORS.register("absolute", config=SmoothingConfig)
class Absolute(Interpolated):
    """Absolute discounting: one discount D for every count, on raw counts."""

    def order_discounts(self, counts: np.ndarray) -> tuple[tuple[float, ...], bool] | None:
        return (self.config.discount,), False

    def weights(self, c: np.ndarray, group: np.ndarray, n_groups: int,
                discounts: tuple[float, ...] | None) -> tuple[np.ndarray, np.ndarray]:
        total, types = _totals(c, group, n_groups)
        safe = np.where(total > 0, total, 1.0)
        d = self.config.discount
        return np.maximum(c - d, 0.0) / safe[group], d * types / safe


@ESTIMATORS.register("kneser_ney", config=SmoothingConfig)
class KneserNey(Absolute):
    """Interpolated Kneser-Ney with one discount (nltk.lm's): absolute discounting on
    continuation counts."""

    adjusted = True
    default_discount = 0.1


@ESTIMATORS.register("modified_kneser_ney", config=SmoothingConfig)
class ModifiedKneserNey(Interpolated):
    """Modified Kneser-Ney (Chen & Goodman; KenLM's lmplz): three discounts per order."""

    adjusted = True
    lmplz_statistics = True

    def order_discounts(self, counts: np.ndarray) -> tuple[tuple[float, ...], bool] | None:
        return mkn_discounts(counts)

    def weights(self, c: np.ndarray, group: np.ndarray, n_groups: int,
                discounts: tuple[float, ...] | None) -> tuple[np.ndarray, np.ndarray]:
        assert discounts is not None and len(discounts) == 3
        total = np.bincount(group, weights=c, minlength=n_groups)
        safe = np.where(total > 0, total, 1.0)
        dk = np.array([0.0, *discounts])
        bucket = np.minimum(c, 3).astype(np.int64)
        mass = np.bincount(group, weights=dk[bucket] * (c > 0), minlength=n_groups)
        return (c - dk[bucket]) / safe[group], mass / safe


@ESTIMATORS.register("arpa", config=SmoothingConfig)
class ReadBackoff(Interpolated):
    """A backoff model read from an ARPA file: its tables are given, it cannot be fitted."""

    fittable = False

    def tables(self, tables: list[OrderCounts], vocab_size: int, predicted: np.ndarray,
               stream: bool, first_seen: np.ndarray | None = None, bos: int = -1) -> Tables:
        raise ConfigError("a model read from an ARPA file has no counts to estimate from")


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


def interpolated_tables(est: Interpolated, tables: list[OrderCounts], vocab_size: int,
                        predicted: np.ndarray, stream: bool,
                        first_seen: np.ndarray | None = None, bos: int = -1) -> Tables:
    """Build the backoff-form tables of an interpolated estimator.

    ``predicted`` is a boolean mask over the vocabulary of the words that can be predicted.
    With ``interpolate_unigram=False`` the unigram level is the plain relative frequency (nltk.lm's
    convention, unseen words get 0); the default mixes it with the uniform distribution.
    """
    counts = effective_counts(tables, adjusted=est.adjusted, stream=stream)
    counts[0] = np.where(predicted, counts[0], 0.0)
    stat_counts = counts
    if est.lmplz_statistics and first_seen is not None:
        stat_counts = lmplz_stat_counts(tables, counts, first_seen, bos)
    V = np.int64(vocab_size)
    logp: list[np.ndarray] = []
    gammas: list[np.ndarray] = []
    discounts: list[tuple[float, ...]] = []
    fallback: list[bool] = []
    prob_prev = np.zeros(0)
    for n in range(1, len(tables) + 1):
        c = counts[n - 1]
        found = est.order_discounts(stat_counts[n - 1])
        d = None
        if found is not None:
            d = found[0]
            discounts.append(d)
            fallback.append(found[1])
        if n == 1:
            alpha, gamma = est.weights(c, np.zeros(len(c), dtype=np.int64), 1, d)
            if est.config.interpolate_unigram:
                p = alpha + gamma[0] / predicted.sum()
            else:
                p = c / max(c.sum(), 1.0)
            p = np.where(predicted, p, 0.0)
        else:
            group = tables[n - 1].keys // V
            alpha, gamma = est.weights(c, group, len(tables[n - 2].count), d)
            p = alpha + gamma[group] * prob_prev[tables[n - 1].suffix]
            gammas.append(gamma)
        with np.errstate(divide="ignore"):
            logp.append(np.log(p))
        prob_prev = p
    logbow = [np.log(np.where(g > 0, g, 1.0)) for g in gammas]
    return Tables(logp, logbow, discounts, fallback)
