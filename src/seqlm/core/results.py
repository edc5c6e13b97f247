"""Log constants and the perplexity result every language model reports."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LN10 = math.log(10.0)  # natural log <-> log10 (KenLM reports log10)
LN2 = math.log(2.0)    # natural log <-> bits


@dataclass(frozen=True)
class Perplexity:
    """Corpus-level perplexity (exp of the mean negative log-probability over predicted tokens).

    ``ppl`` includes OOV tokens (scored as ``<unk>``), ``ppl_excl_oov`` leaves them out, as
    KenLM's query does. ``zero_prob`` counts tokens given probability 0 (then ``ppl`` is inf).
    ``proper`` is False for stupid backoff, whose scores are not probabilities.
    """

    ppl: float
    ppl_excl_oov: float
    tokens: int
    oov: int
    zero_prob: int
    logprob: float          # total natural-log probability (-inf with zero-probability tokens)
    bits_per_token: float
    proper: bool = True

    @classmethod
    def from_logprobs(cls, lp: np.ndarray, oov: np.ndarray, proper: bool = True) -> Perplexity:
        """Summarise per-token natural-log probabilities."""
        n = len(lp)
        total = float(lp.sum())
        keep = lp[~oov]
        excl = float(np.exp(-keep.mean())) if len(keep) else math.nan
        return cls(
            ppl=float(np.exp(-total / n)) if n else math.nan,
            ppl_excl_oov=excl,
            tokens=n,
            oov=int(oov.sum()),
            zero_prob=int(np.isneginf(lp).sum()),
            logprob=total,
            bits_per_token=-total / n / LN2 if n else math.nan,
            proper=proper,
        )

    def __str__(self) -> str:
        head = "score-perplexity (stupid backoff: not a probability)" if not self.proper \
            else "perplexity"
        return (f"{head} {self.ppl:.4f} (excl. OOV {self.ppl_excl_oov:.4f}); "
                f"{self.tokens} tokens, {self.oov} OOV, {self.zero_prob} with probability 0, "
                f"{self.bits_per_token:.4f} bits/token")
