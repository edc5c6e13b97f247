"""The estimators scored straight from counts at query time: mle, laplace, lidstone (add-k)
and stupid backoff (Brants et al. 2007; scores, not probabilities). No backoff form, so no ARPA
and no state API; each registers itself by name (smoothing.py)."""

from __future__ import annotations

import numpy as np

from seqlm.ngram.query import Matches, context_total, longest, take
from seqlm.ngram.smoothing import ESTIMATORS, Smoothing, SmoothingConfig


class CountBased(Smoothing):
    """Scored from the counts when queried."""

    def scores(self, m: Matches, targets: np.ndarray, counts: list[np.ndarray],
               ctx_total: list[np.ndarray], n_predicted: int) -> tuple[np.ndarray, np.ndarray]:
        """(natural-log score, n-gram length used) of every target."""
        raise NotImplementedError


class FullContext(CountBased):
    """p(w | c) from the count of the whole context (as long as the unit allows) and its
    continuation total: ``prob``; the reported length is the longest seen n-gram."""

    def prob(self, c: np.ndarray, total: np.ndarray, n_predicted: int) -> np.ndarray:
        """Probability of count ``c`` after a context seen ``total`` times (0 when unseen)."""
        raise NotImplementedError

    def scores(self, m: Matches, targets: np.ndarray, counts: list[np.ndarray],
               ctx_total: list[np.ndarray], n_predicted: int) -> tuple[np.ndarray, np.ndarray]:
        n_eff = m.max_len[targets]
        length = longest(m, targets)[0]
        c = np.zeros(len(targets))
        tot = np.zeros(len(targets))
        for n in range(1, len(counts) + 1):
            sel = n_eff == n
            c[sel] = take(counts[n - 1], m.end_ids[n - 1][targets[sel]])
            tot[sel] = context_total(m, targets[sel], n, ctx_total)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.log(self.prob(c, tot, n_predicted))
        return out, np.where(c > 0, n_eff, np.minimum(length, n_eff))


@ESTIMATORS.register("mle", config=SmoothingConfig)
class MLE(FullContext):
    """Maximum likelihood: c / total (0 for an unseen n-gram or context)."""

    def prob(self, c: np.ndarray, total: np.ndarray, n_predicted: int) -> np.ndarray:
        return np.where(c > 0, c / np.where(total > 0, total, 1.0), 0.0)


@ESTIMATORS.register("lidstone", config=SmoothingConfig)
class Lidstone(FullContext):
    """Add-k: (c + k) / (total + k |P|)."""

    def prob(self, c: np.ndarray, total: np.ndarray, n_predicted: int) -> np.ndarray:
        k = self.config.k
        return (c + k) / (total + k * n_predicted)


@ESTIMATORS.register("laplace", config=SmoothingConfig)
class Laplace(Lidstone):
    """Add-one: Lidstone with k = 1."""

    fixed_k = 1.0


@ESTIMATORS.register("stupid_backoff", config=SmoothingConfig)
class StupidBackoff(CountBased):
    """c / total of the longest seen n-gram, times alpha per order backed off (not normalised)."""

    proper = False

    def scores(self, m: Matches, targets: np.ndarray, counts: list[np.ndarray],
               ctx_total: list[np.ndarray], n_predicted: int) -> tuple[np.ndarray, np.ndarray]:
        length, row = longest(m, targets)
        out = np.zeros(len(targets))
        with np.errstate(divide="ignore", invalid="ignore"):
            for n in range(1, len(counts) + 1):
                sel = length == n
                out[sel] = np.log(counts[n - 1][row[sel]]
                                  / context_total(m, targets[sel], n, ctx_total))
        return out + (m.max_len[targets] - length) * np.log(self.config.alpha), length
