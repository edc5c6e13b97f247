"""Corpus statistics: token counts, top-k n-grams, and the Zipf plot (log rank vs log frequency)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from seqlm.errors import ConfigError, DataError
from seqlm.io import atomic_path


def ngram_counts(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    """Counts of every run of ``n`` consecutive tokens."""
    if n < 1:
        raise ConfigError(f"n-gram order must be >= 1, got {n}")
    return Counter(zip(*(tokens[i:] for i in range(n)), strict=False))


@dataclass
class CorpusStats:
    """Counts that describe a tokenised corpus."""

    num_tokens: int
    num_types: int
    top: dict[int, list[tuple[tuple[str, ...], int]]]
    singletons: int

    def format(self, sep: str = " ") -> str:
        """Human-readable summary, one n-gram a line."""
        lines = [
            f"tokens: {self.num_tokens:,}",
            f"types: {self.num_types:,} ({self.singletons:,} seen once)",
        ]
        for n, items in self.top.items():
            lines.append(f"top {len(items)} {n}-grams:")
            for gram, c in items:
                lines.append(f"  {c:>9,}  {sep.join(repr(t)[1:-1] for t in gram)}")
        return "\n".join(lines)


def corpus_stats(tokens: Sequence[str], top_k: int = 10, max_n: int = 3) -> CorpusStats:
    """Token and type counts and the ``top_k`` most frequent n-grams for n = 1..max_n."""
    if not tokens:
        raise DataError("the corpus has no tokens")
    if top_k < 0:
        raise ConfigError(f"top-k must be >= 0, got {top_k}")
    uni = ngram_counts(tokens, 1)
    top = {n: _most_common(uni if n == 1 else ngram_counts(tokens, n), top_k)
           for n in range(1, max_n + 1)}
    return CorpusStats(len(tokens), len(uni), top, sum(1 for c in uni.values() if c == 1))


def _most_common(c: Counter[tuple[str, ...]], k: int) -> list[tuple[tuple[str, ...], int]]:
    return sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:k]


def zipf_plot(tokens: Sequence[str], path: str | os.PathLike[str], max_n: int = 3,
              title: str = "") -> None:
    """Write a PNG of log frequency vs log rank for unigrams..max_n-grams on one figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    if not tokens:
        raise DataError("the corpus has no tokens")
    fig, ax = plt.subplots(figsize=(6, 4))
    names = {1: "unigram", 2: "bigram", 3: "trigram"}
    for n in range(1, max_n + 1):
        freqs = sorted(ngram_counts(tokens, n).values(), reverse=True)
        ax.loglog(range(1, len(freqs) + 1), freqs, label=names.get(n, f"{n}-gram"))
    ax.set_xlabel("rank (log)")
    ax.set_ylabel("frequency (log)")
    ax.set_title(title or "Zipf's law")
    ax.legend()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
