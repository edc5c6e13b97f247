"""Sampling text from a fitted model: x_t ~ p(x_t | last N-1 tokens), with temperature / top-k."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from seqlm.data.conventions import BOS, EOS, Mode
from seqlm.errors import ConfigError, require_positive


class NextToken(Protocol):
    """What sampling needs of a model (NgramLM has it): its mode and the next-token
    distribution after a context."""

    mode: Mode

    def next_token_distribution(self, context: Sequence[str] = ()
                                ) -> tuple[list[str], np.ndarray]: ...


def sample_next(p: np.ndarray, rng: np.random.Generator, temperature: float = 1.0,
                top_k: int | None = None) -> int:
    """Index drawn from ``p`` sharpened by ``temperature`` and cut to the ``top_k`` largest."""
    q = np.asarray(p, dtype=np.float64)
    if top_k is not None and top_k < len(q):
        cut = np.partition(q, -top_k)[-top_k]
        q = np.where(q >= cut, q, 0.0)
    with np.errstate(divide="ignore"):
        logq = np.log(q) / temperature
    if not np.isfinite(logq).any():
        raise ConfigError("nothing to sample: every next token has probability 0 here")
    q = np.exp(logq - logq.max())
    return int(rng.choice(len(q), p=q / q.sum()))


def generate(model: NextToken, n: int, prefix: Sequence[str] = (), temperature: float = 1.0,
             top_k: int | None = None, seed: int = 0) -> list[str]:
    """Up to ``n`` new tokens after ``prefix``; sentence mode stops at ``</s>`` (not returned)."""
    if not isinstance(n, int) or n < 0:
        raise ConfigError(f"n must be a non-negative integer, got {n!r}")
    require_positive("temperature", temperature)
    if top_k is not None and top_k < 1:
        raise ConfigError(f"top_k must be >= 1, got {top_k}")
    rng = np.random.default_rng(seed)
    history = ([BOS] if model.mode == "sentence" else []) + list(prefix)
    out: list[str] = []
    for _ in range(n):
        tokens, p = model.next_token_distribution(history)
        if p.sum() == 0:  # MLE after an unseen context: fall back to the unigram distribution
            tokens, p = model.next_token_distribution([])
        tok = tokens[sample_next(p, rng, temperature, top_k)]
        if model.mode == "sentence" and tok == EOS:
            break
        out.append(tok)
        history.append(tok)
    return out
