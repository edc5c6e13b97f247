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

from seqlm.ngram.counting import OrderCounts, released
from seqlm.ngram.discounts import mkn_discounts
from seqlm.ngram.errors import ConfigError
from seqlm.ngram.smoothing import ESTIMATORS, Smoothing, SmoothingConfig
from seqlm.ngram.spool import Alloc, chunks, drop, in_memory


@dataclass
class Tables:
    """Backoff-form model: per order the log-probability of each n-gram and its log backoff."""

    logp: list[np.ndarray]
    logbow: list[np.ndarray]            # for orders 1..N-1 (as contexts); zeros if not a context
    discounts: list[tuple[float, ...]] = field(default_factory=list)
    fallback: list[bool] = field(default_factory=list)


def effective_count(tables: list[OrderCounts], n: int, adjusted: bool, stream: bool
                    ) -> np.ndarray:
    """Order ``n``'s raw counts, or its Kneser-Ney adjusted counts when ``adjusted`` and n is
    below the highest order (float64, a new array).

    The adjusted count of an n-gram is the number of distinct words seen before it; n-grams that
    begin with ``<s>`` keep their raw count (they have nothing before them). In stream mode the
    start of the stream counts as one more distinct left context (as if a ``<s>`` stood there).
    """
    t = tables[n - 1]
    if not adjusted or n == len(tables):
        return t.count.astype(np.float64)
    ext = np.bincount(tables[n].suffix, minlength=len(t.count)).astype(np.float64)
    if stream:
        ext += t.starts
    else:
        np.copyto(ext, t.count, where=t.starts)  # in place: no third array of the order
    drop(tables[n].suffix, t.count, t.starts)  # file-backed (an out-of-core fit): read once
    return ext


class Interpolated(Smoothing):
    """p_n(w|c) = alpha_n(c w) + gamma_n(c) p_{n-1}(w|c'), stored in backoff form."""

    backoff_form = True
    adjusted: ClassVar[bool] = False  # Kneser-Ney: continuation counts below the top order
    lmplz_statistics: ClassVar[bool] = False  # discounts from counts collected as lmplz does

    def order_discounts(self, counts: np.ndarray) -> tuple[tuple[float, ...], bool] | None:
        """The discounts of one order from its (statistics) counts (float64 effective counts,
        or the highest order's raw int64 counts) and whether a fallback was used; None for an
        estimator without discounts."""
        return None

    def weights(self, c: np.ndarray, group: np.ndarray, n_groups: int,
                discounts: tuple[float, ...] | None) -> tuple[np.ndarray, np.ndarray]:
        """alpha for each n-gram (effective counts ``c``, context ``group``) and gamma for each
        of the ``n_groups`` contexts."""
        raise NotImplementedError

    def tables(self, tables: list[OrderCounts], vocab_size: int, predicted: np.ndarray,
               stream: bool, first_seen: np.ndarray | None = None, bos: int = -1,
               alloc: Alloc = in_memory) -> Tables:
        """The backoff-form model of the counts (``interpolated_tables``); ``alloc`` makes
        its order-sized arrays (file-backed ones in an out-of-core fit)."""
        return interpolated_tables(self, tables, vocab_size, predicted, stream, first_seen, bos,
                                   alloc)


def _sums(group: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group the sum of ``values`` (float64, also when there are no rows)."""
    return np.bincount(group, weights=values, minlength=n_groups).astype(np.float64, copy=False)


def _totals(c: np.ndarray, group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Per context: the total effective count and the number of seen types."""
    return _sums(group, c, n_groups), _sums(group, (c > 0).astype(np.float64), n_groups)


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
        safe = _sums(group, c, n_groups)  # the totals, 0 -> 1
        safe[safe == 0] = 1.0
        dk = np.array([0.0, *discounts])  # a count of 0 (only <s> as a unigram) takes 0
        d = dk[np.minimum(c, 3).astype(np.uint8)]
        mass = _sums(group, d, n_groups)
        np.subtract(c, d, out=d)
        d /= safe[group]
        mass /= safe
        return d, mass


@ESTIMATORS.register("arpa", config=SmoothingConfig)
class ReadBackoff(Interpolated):
    """A backoff model read from an ARPA file: its tables are given, it cannot be fitted."""

    fittable = False

    def tables(self, tables: list[OrderCounts], vocab_size: int, predicted: np.ndarray,
               stream: bool, first_seen: np.ndarray | None = None, bos: int = -1,
               alloc: Alloc = in_memory) -> Tables:
        raise ConfigError("a model read from an ARPA file has no counts to estimate from")


def lmplz_last_rows(tables: list[OrderCounts], first_seen: np.ndarray, bos: int
                    ) -> list[int | None]:
    """For each order below the highest, the row of the n-gram whose raw count lmplz puts into
    the counts-of-counts instead of its adjusted one (None if it begins with ``<s>``).

    lmplz streams n-grams in suffix order of its word ids (ids in order of first appearance)
    and, for each order below the highest, adds the very last n-gram of that stream to its
    statistics with the raw count. We reproduce that so the discounts are identical (the effect
    is one n-gram per order, visible in the 3rd decimal). The last n-gram is found word by word
    from the last one, walking candidates' prefix rows: no word matrix is built.
    """
    V = np.int64(len(first_seen))
    out: list[int | None] = []
    for n in range(1, len(tables)):
        keys = tables[n - 1].keys
        if not len(keys):  # an order with no n-grams (every sentence shorter)
            out.append(None)
            continue
        cand = _latest_last_word(keys, first_seen, V, n > 1)
        word = cand  # for unigrams the row is the word
        cur = keys[cand] // V if n > 1 else cand  # per candidate: the row of its first j+1 words
        for j in range(n - 2, -1, -1):
            word = tables[j].keys[cur] % V if j else cur
            kid = first_seen[word]
            keep = kid == kid.max()
            cand, cur, word = cand[keep], cur[keep], word[keep]
            if j:
                cur = tables[j].keys[cur] // V
        out.append(int(cand[0]) if len(cand) and int(word[0]) != bos else None)
    return out


def _latest_last_word(keys: np.ndarray, first_seen: np.ndarray, V: np.int64, keyed: bool
                      ) -> np.ndarray:
    """Rows of an order whose last word was seen last (highest ``first_seen``), a chunk of
    keys at a time (``keyed``: the word is key % V, else the row itself)."""
    best, rows = -(2**62), [np.zeros(0, dtype=np.int64)]
    for a, b in chunks(len(keys)):
        kid = first_seen[keys[a:b] % V if keyed else np.arange(a, b)]
        top = int(kid.max())
        if top > best:
            best, rows = top, []
        if top == best:
            rows.append(np.nonzero(kid == top)[0] + a)
        drop(keys[a:b])
    return np.concatenate(rows)


def interpolated_tables(est: Interpolated, tables: list[OrderCounts], vocab_size: int,
                        predicted: np.ndarray, stream: bool,
                        first_seen: np.ndarray | None = None, bos: int = -1,
                        alloc: Alloc = in_memory) -> Tables:
    """Build the backoff-form tables of an interpolated estimator, one order at a time (only
    the current order's working arrays and the previous order's probabilities are alive; the
    suffix rows and start flags of ``tables`` are released as it goes). Orders >= 2 are
    worked through in chunks into arrays made by ``alloc``: file-backed ones in an out-of-core
    fit, whose pages go back once written, so only the order below, read at random, stays.

    ``predicted`` is a boolean mask over the vocabulary of the words that can be predicted.
    With ``interpolate_unigram=False`` the unigram level is the plain relative frequency (nltk.lm's
    convention, unseen words get 0); the default mixes it with the uniform distribution.
    """
    order = len(tables)
    swap: list[int | None] = [None] * order
    if est.lmplz_statistics and first_seen is not None:
        swap[:order - 1] = lmplz_last_rows(tables, first_seen, bos)
    logp: list[np.ndarray] = []
    logbow: list[np.ndarray] = []
    discounts: list[tuple[float, ...]] = []
    fallback: list[bool] = []
    prob_prev = np.zeros(0)  # order n-1's probabilities; turned into its logs once read
    for n in range(1, order + 1):
        c = effective_count(tables, n, est.adjusted, stream) if n < order else None
        if n == 1 and c is not None:
            c[~predicted] = 0.0
        if c is None and order == 1:  # a unigram model: the top order is order 1
            c = tables[0].count.astype(np.float64)
            c[~predicted] = 0.0
        found = _discounts(est, tables[n - 1].count if c is None else c, swap[n - 1],
                           tables[n - 1].count)
        d = None
        if found is not None:
            d = found[0]
            discounts.append(d)
            fallback.append(found[1])
        if n == 1:
            assert c is not None
            alpha, gamma = est.weights(c, np.zeros(len(c), dtype=np.int64), 1, d)
            if est.config.interpolate_unigram:
                p = alpha + gamma[0] / predicted.sum()
            else:
                p = c / max(c.sum(), 1.0)
            p[~predicted] = 0.0
        else:
            p, gamma = _order_by_chunks(est, tables, n, c, prob_prev, d, n < order, alloc)
            del c
            for a, b in chunks(len(gamma)):
                g = gamma[a:b]
                np.copyto(g, 1.0, where=~(g > 0))  # log 1 = 0 where there is no backoff
                np.log(g, out=g)
                drop(g)
            logbow.append(gamma)
        _release(tables[n - 1])  # this order's suffix rows and start flags are read by now
        logp.append(p)  # log p already for the highest order, else p until the next has read it
        with np.errstate(divide="ignore"):
            if n == order == 1:
                np.log(p, out=p)
            elif n > 1:
                for a, b in chunks(len(prob_prev)):  # order n-1's entry of logp, in place
                    np.log(prob_prev[a:b], out=prob_prev[a:b])
                    drop(prob_prev[a:b])
        prob_prev = p
    return Tables(logp, logbow, discounts, fallback)


CHUNK_ROWS = 1 << 20  # n-grams of one order estimated at a time (whole contexts)


def _order_by_chunks(est: Interpolated, tables: list[OrderCounts], n: int,
                     c: np.ndarray | None, prob_prev: np.ndarray,
                     d: tuple[float, ...] | None, keep_p: bool, alloc: Alloc = in_memory
                     ) -> tuple[np.ndarray, np.ndarray]:
    """(p if ``keep_p`` else log p, gamma per context) of order n >= 2, a chunk of whole
    contexts at a time: the weights only combine n-grams of one context, so the chunks give
    exactly the one-pass numbers while only a chunk's temporaries are alive. ``c``: the
    effective counts (None: the raw counts, taken a chunk at a time). A context with no
    n-gram keeps the estimator's gamma for an empty context."""
    t = tables[n - 1]
    V = np.int64(len(tables[0].count))
    n_ctx, rows = len(tables[n - 2].count), len(t.keys)
    empty = est.weights(np.zeros(0), np.zeros(0, dtype=np.int64), 1, d)[1][0]
    gamma, out = alloc(n_ctx, np.float64), alloc(rows, np.float64)
    for a, b in chunks(n_ctx):
        gamma[a:b] = empty
        drop(gamma[a:b])
    a = 0
    while a < rows:
        b = min(rows, a + CHUNK_ROWS)
        if b < rows:  # end the chunk at a context boundary (after the context if it is huge)
            start = int(np.searchsorted(t.keys, (t.keys[b] // V) * V))
            b = start if start > a else int(np.searchsorted(t.keys, (t.keys[b] // V + 1) * V))
        group = t.keys[a:b] // V
        g0 = int(group[0])
        group -= g0
        cc = t.count[a:b].astype(np.float64) if c is None else c[a:b]
        alpha, gam = est.weights(cc, group, int(group[-1]) + 1, d)
        gamma[g0:g0 + len(gam)] = gam
        lower = prob_prev[t.suffix[a:b]]
        lower *= gam[group]
        alpha += lower  # alpha + gamma * p_{n-1}
        if keep_p:
            out[a:b] = alpha
        else:
            with np.errstate(divide="ignore"):
                np.log(alpha, out=out[a:b])
        drop(t.keys[a:b], t.count[a:b], t.suffix[a:b], out[a:b], gamma[g0:g0 + len(gam)])
        a = b
    return out, gamma


def _release(t: OrderCounts) -> None:
    """Drop an order's suffix rows and start flags once the estimation is past them (the
    tables are the fit's own; keys and counts stay, the model keeps them)."""
    t.suffix, t.starts = released(t.suffix), released(t.starts)


def _discounts(est: Interpolated, c: np.ndarray, swap: int | None, raw: np.ndarray
               ) -> tuple[tuple[float, ...], bool] | None:
    """The estimator's discounts from ``c``, with row ``swap`` counted at its ``raw`` count (the
    lmplz detail, see ``lmplz_last_rows``) for that call only."""
    if swap is None:
        return est.order_discounts(c)
    kept = c[swap]
    c[swap] = raw[swap]
    try:
        return est.order_discounts(c)
    finally:
        c[swap] = kept
