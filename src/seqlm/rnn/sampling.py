"""Choosing the next token from logits: greedy, or sampling with temperature, top-k and top-p.

Sampling divides the logits by ``temperature`` (< 1 sharpens, > 1 flattens), keeps the ``top_k``
most likely tokens and/or the smallest set of most likely tokens whose probability reaches
``top_p`` (nucleus sampling, Holtzman et al. 2020), renormalises, and draws one token.
"""

from __future__ import annotations

import torch

from seqlm.errors import ConfigError, require_int, require_number

STRATEGIES = ("greedy", "sample")


def check_sampling(
    strategy: str, temperature: float, top_k: int | None, top_p: float | None
) -> None:
    """Raise ConfigError for an unknown strategy or an out-of-range setting."""
    if strategy not in STRATEGIES:
        raise ConfigError(f"unknown strategy {strategy!r}; use greedy or sample")
    require_number("temperature", temperature, 0.0, strict=True)
    if top_k is not None:
        require_int("top_k", top_k)
    if top_p is not None:
        require_number("top_p", top_p, 0.0, 1.0, strict=True)


def next_token_probs(
    logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
    top_p: float | None = None,
) -> torch.Tensor:
    """The distribution sampling draws from (float64, sums to 1) for a 1-D vector of logits."""
    probs = torch.softmax(logits.detach().double().cpu() / temperature, dim=-1)
    keep = torch.ones_like(probs, dtype=torch.bool)
    order = torch.argsort(probs, descending=True, stable=True)
    if top_k is not None and top_k < probs.numel():
        keep[order[top_k:]] = False
    if top_p is not None and top_p < 1:
        before = torch.cumsum(probs[order], 0) - probs[order]  # mass of strictly better tokens
        keep[order[before >= top_p]] = False  # the best token always stays (before = 0)
    probs = torch.where(keep, probs, torch.zeros_like(probs))
    return probs / probs.sum()


def choose(
    logits: torch.Tensor, strategy: str = "greedy", temperature: float = 1.0,
    top_k: int | None = None, top_p: float | None = None,
    generator: torch.Generator | None = None,
) -> int:
    """Index of the next token: argmax (first on ties) or one draw from :func:`next_token_probs`."""
    if strategy == "greedy":
        return int(torch.argmax(logits))
    probs = next_token_probs(logits, temperature, top_k, top_p)
    if generator is not None and probs.device != generator.device:
        probs = probs.to(generator.device)  # a CPU generator samples GPU scores the same way
    return int(torch.multinomial(probs, 1, generator=generator))
