"""Linear interpolation of two language models: p(x) = lam p1(x) + (1 - lam) p2(x).

Works for any two models with ``token_logprobs`` over the same vocabulary and scoring units
(RNN + n-gram, the classic RNN + Kneser-Ney combination, or two RNNs). ``lam`` is tuned on
validation text: the validation log-likelihood L(lam) = sum_t ln(lam p1 + (1 - lam) p2) is
concave, so its maximiser on [0, 1] is found by bisection on the decreasing derivative
L'(lam) = sum_t (p1 - p2) / (lam p1 + (1 - lam) p2).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from seqlm.core.lm import LanguageModel
from seqlm.errors import ConfigError, DataError, require_fraction


def _same(name: str, a: Any, b: Any) -> None:
    if a is not None and b is not None and a != b:
        raise ConfigError(f"cannot mix models with different {name}: {a!r} vs {b!r}")


class Interpolated(LanguageModel):
    """The mixture of ``first`` (weight ``lam``) and ``second`` (weight ``1 - lam``)."""

    def __init__(self, first: Any, second: Any, lam: float = 0.5) -> None:
        for m in (first, second):
            if not hasattr(m, "token_logprobs") or not hasattr(m, "vocab"):
                raise ConfigError(f"{type(m).__name__} has no token_logprobs/vocab to mix")
            if not getattr(m, "proper", True):
                raise ConfigError(f"{type(m).__name__} gives scores, not probabilities (e.g. "
                                  "stupid backoff): cannot mix it")
        if first.vocab != second.vocab:
            raise ConfigError(
                f"vocabulary mismatch: {first.vocab!r} vs {second.vocab!r}; interpolation needs "
                "the same vocabulary (the same <unk> mapping) in both models"
            )
        _same("scoring modes", getattr(first, "mode", None), getattr(second, "mode", None))
        t1, t2 = getattr(first, "tokenizer", None), getattr(second, "tokenizer", None)
        names = [t if isinstance(t, str) else None for t in (t1, t2)]
        _same("tokenizers", *names)
        self.first, self.second = first, second
        self.vocab = first.vocab
        mode = getattr(first, "mode", None) or getattr(second, "mode", None)
        if mode is None:
            raise ConfigError("neither model says its scoring mode (attribute 'mode')")
        self.mode = mode
        self.tokenizer = t1 if t1 is not None else (t2 if t2 is not None else "word")
        self.lam = self._check_lam(lam)

    @staticmethod
    def _check_lam(lam: float) -> float:
        return require_fraction("the interpolation weight", lam, closed=True)

    def _both(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        lp1 = np.asarray(self.first.token_logprobs(text), dtype=np.float64)
        lp2 = np.asarray(self.second.token_logprobs(text), dtype=np.float64)
        if lp1.shape != lp2.shape:
            raise DataError(
                f"the two models predict different numbers of tokens ({lp1.size} vs {lp2.size}); "
                "they must use the same scoring mode and tokenizer"
            )
        return lp1, lp2

    @staticmethod
    def mix(lp1: np.ndarray, lp2: np.ndarray, lam: float) -> np.ndarray:
        """ln(lam e^lp1 + (1 - lam) e^lp2), stable in log space (lam may be 0 or 1)."""
        with np.errstate(divide="ignore"):
            return np.logaddexp(math.log(lam) + lp1 if lam > 0 else np.full_like(lp1, -np.inf),
                                np.log1p(-lam) + lp2 if lam < 1 else np.full_like(lp2, -np.inf))

    def token_logprobs(self, text: str) -> np.ndarray:
        """Natural log-probability of every predicted token under the mixture."""
        lp1, lp2 = self._both(text)
        return self.mix(lp1, lp2, self.lam)

    def fit(self, valid_text: str, tol: float = 1e-10) -> Interpolated:
        """Set ``lam`` to the maximiser of the validation log-likelihood; returns self."""
        lp1, lp2 = self._both(valid_text)

        def slope(lam: float) -> float:
            lmix = self.mix(lp1, lp2, lam)
            return float(np.sum(np.exp(lp1 - lmix) - np.exp(lp2 - lmix)))

        if slope(0.0) <= 0:
            self.lam = 0.0
        elif slope(1.0) >= 0:
            self.lam = 1.0
        else:
            lo, hi = 0.0, 1.0
            while hi - lo > tol:
                mid = 0.5 * (lo + hi)
                lo, hi = (mid, hi) if slope(mid) > 0 else (lo, mid)
            self.lam = 0.5 * (lo + hi)
        return self

    def log_likelihood(self, text: str, lam: float | None = None) -> float:
        """Total natural-log likelihood of ``text`` under the mixture (at ``lam`` if given)."""
        lp1, lp2 = self._both(text)
        return float(self.mix(lp1, lp2, self.lam if lam is None else self._check_lam(lam)).sum())
