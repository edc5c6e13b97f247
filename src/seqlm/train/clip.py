"""Gradient clipping as the seed writes it: g <- min(1, theta / ||g||) g, one norm over ALL params.

Our own two functions (rather than ``torch.nn.utils.clip_grad_norm_``) so that the formula is
visible and the norm before clipping can be logged: exploding gradients made measurable.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch


def _grads(params: Iterable[torch.Tensor]) -> list[torch.Tensor]:
    return [p.grad for p in params if p.grad is not None]


def grad_norm(params: Iterable[torch.Tensor]) -> torch.Tensor:
    """||g||: the Euclidean norm of all gradients stacked into one vector (0 if there are none)."""
    grads = _grads(params)
    if not grads:
        return torch.zeros(())
    per_tensor = torch._foreach_norm([g.detach() for g in grads])  # ||g_i|| per parameter
    return torch.linalg.vector_norm(torch.stack(per_tensor))  # sqrt(sum_i ||g_i||^2)


def clip_gradients(params: Iterable[torch.Tensor], theta: float | None) -> torch.Tensor:
    """Scale all gradients in place by min(1, theta/||g||); return ||g|| measured BEFORE clipping.

    ``theta=None`` only measures. The factor stays on the device (no host sync).
    """
    params = list(params)
    norm = grad_norm(params)
    if theta is not None:
        grads = _grads(params)
        if grads:
            factor = torch.clamp(theta / norm, max=1.0)
            torch._foreach_mul_(grads, factor.to(grads[0].device))
    return norm
