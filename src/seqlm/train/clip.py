"""Gradient clipping as the seed writes it: g <- min(1, theta / ||g||) g, one norm over ALL params.

The norm is ``torch.nn.utils.get_total_norm`` (what ``clip_grad_norm_`` computes and returns);
the scaling is ours on purpose: ``clip_grad_norm_`` multiplies by theta / (||g|| + 1e-6), which
shrinks every clipped step a little more than the formula and scales a gradient whose norm is
exactly theta. We apply min(1, theta/||g||) exactly (tests/train/test_clip.py checks it by hand)
and return ||g|| as measured BEFORE clipping, for the logs.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch


def _grads(params: Iterable[torch.Tensor]) -> list[torch.Tensor]:
    return [p.grad for p in params if p.grad is not None]


def _norm(grads: list[torch.Tensor]) -> torch.Tensor:
    if not grads:
        return torch.zeros(())
    return torch.nn.utils.get_total_norm([g.detach() for g in grads])  # sqrt(sum_i ||g_i||^2)


def grad_norm(params: Iterable[torch.Tensor]) -> torch.Tensor:
    """||g||: the Euclidean norm of all gradients stacked into one vector (0 if there are none)."""
    return _norm(_grads(params))


def clip_gradients(params: Iterable[torch.Tensor], theta: float | None) -> torch.Tensor:
    """Scale all gradients in place by min(1, theta/||g||); return ||g|| measured BEFORE clipping.

    ``theta=None`` only measures. The factor stays on the device (no host sync).
    """
    grads = _grads(params)
    norm = _norm(grads)
    if theta is not None and grads:
        factor = torch.clamp(theta / norm, max=1.0).to(grads[0].device)
        for g in grads:
            g.mul_(factor)
    return norm
