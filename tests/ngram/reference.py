"""Brute-force reference n-gram model: Python dicts and the textbook formulas, written
independently of seqlm.ngram's vectorised code (sentence mode, one <s>, </s> predicted)."""

from __future__ import annotations

import math
from collections import Counter

BOS, EOS, UNK = "<s>", "</s>", "<unk>"


class RefModel:
    """p(w | context) by direct recursion over dictionaries of counts."""

    def __init__(self, sentences: list[list[str]], order: int, estimator: str,
                 k: float = 1.0, discount: float = 0.75, alpha: float = 0.4) -> None:
        self.N, self.est, self.k, self.d, self.alpha = order, estimator, k, discount, alpha
        self.raw: list[Counter[tuple[str, ...]]] = [Counter() for _ in range(order + 1)]
        words = {UNK, EOS}
        for s in sentences:
            padded = [BOS, *s, EOS]
            words.update(s)
            for n in range(1, order + 1):
                for i in range(len(padded) - n + 1):
                    self.raw[n][tuple(padded[i:i + n])] += 1
        self.P = sorted(words)  # predicted vocabulary: everything but <s>
        kn = estimator in ("kneser_ney", "modified_kneser_ney")
        self.eff: list[dict[tuple[str, ...], float]] = [{} for _ in range(order + 1)]
        for n in range(1, order + 1):
            for g, c in self.raw[n].items():
                if n == order or not kn or g[0] == BOS:
                    self.eff[n][g] = c
                else:
                    self.eff[n][g] = sum(1 for h in self.raw[n + 1] if h[1:] == g)
        self.eff[1].pop((BOS,), None)
        # lmplz numbers words by first appearance and, below the highest order, puts the last
        # n-gram in reversed-word order into its counts-of-counts with the raw count.
        first: dict[str, int] = {UNK: -3, BOS: -2, EOS: -1}
        for s in sentences:
            for w in s:
                first.setdefault(w, len(first))
        self.stat = [dict(t) for t in self.eff]
        for n in range(1, order):
            last = max(self.raw[n], key=lambda g: [first[w] for w in reversed(g)])
            if last[0] != BOS:
                self.stat[n][last] = self.raw[n][last]
        self.D = {n: self._mkn(n) for n in range(1, order + 1)}

    def _mkn(self, n: int) -> tuple[float, float, float]:
        nk = Counter(int(c) for c in self.stat[n].values())
        if not (nk[1] and nk[2] and nk[3]):
            return (0.5, 1.0, 1.5)
        y = nk[1] / (nk[1] + 2 * nk[2])
        d = tuple(j - (j + 1) * y * nk[j + 1] / nk[j] for j in (1, 2, 3))
        if not all(0 <= dj <= j for j, dj in zip((1, 2, 3), d, strict=True)):
            return (0.5, 1.0, 1.5)
        return d  # type: ignore[return-value]

    def _follow(self, ctx: tuple[str, ...], table: dict) -> dict[str, float]:
        n = len(ctx) + 1
        return {g[-1]: c for g, c in table[n].items() if g[:-1] == ctx and c > 0}

    def prob(self, w: str, context: list[str]) -> float:
        w = w if w in self.P else UNK
        ctx = tuple(t if (t in self.P or t == BOS) else UNK for t in context)
        ctx = ctx[max(0, len(ctx) - (self.N - 1)):] if self.N > 1 else ()
        if self.est in ("mle", "lidstone", "laplace"):
            if ctx:
                f = self._follow(ctx, self.raw)
            else:
                f = {g[0]: c for g, c in self.raw[1].items() if g[0] != BOS}
            tot = sum(f.values())
            if self.est == "mle":
                return f.get(w, 0) / tot if tot else 0.0
            return (f.get(w, 0) + self.k) / (tot + self.k * len(self.P))
        if self.est == "stupid_backoff":
            return self._stupid(w, ctx)
        return self._interp(w, ctx)

    def _stupid(self, w: str, ctx: tuple[str, ...]) -> float:
        if not ctx:
            uni = {g[0]: c for g, c in self.raw[1].items() if g[0] != BOS}
            return uni.get(w, 0) / sum(uni.values())
        f = self._follow(ctx, self.raw)
        if f.get(w, 0) > 0:
            return f[w] / sum(f.values())
        return self.alpha * self._stupid(w, ctx[1:])

    def _interp(self, w: str, ctx: tuple[str, ...]) -> float:
        n = len(ctx) + 1
        if ctx:
            f = self._follow(ctx, self.eff)
            lower = self._interp(w, ctx[1:])
        else:
            f = dict((g[0], c) for g, c in self.eff[1].items() if c > 0)
            lower = 1.0 / len(self.P)
        tot = sum(f.values())
        if tot == 0:
            return lower
        c = f.get(w, 0)
        types = len(f)
        if self.est == "witten_bell":
            return (c + types * lower) / (tot + types)
        if self.est in ("absolute", "kneser_ney"):
            return max(c - self.d, 0) / tot + self.d * types / tot * lower
        d1, d2, d3 = self.D[n]
        disc = [0.0, d1, d2, d3]
        alpha = (c - disc[min(int(c), 3)]) / tot if c else 0.0
        gamma = sum(disc[min(int(x), 3)] for x in f.values()) / tot
        return alpha + gamma * lower

    def logprob_sentence(self, sent: list[str]) -> list[float]:
        hist = [BOS]
        out = []
        for w in [*sent, EOS]:
            p = self.prob(w, hist)
            out.append(math.log(p) if p > 0 else -math.inf)
            hist.append(w)
        return out
