"""Our clipping is the seed's formula and agrees with torch.nn.utils.clip_grad_norm_."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from seqlm.train import clip_gradients, grad_norm


def _model_with_grads(seed: int, scale: float) -> nn.Module:
    torch.manual_seed(seed)
    m = nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 3))
    m.double()
    loss = (m(torch.randn(6, 5, dtype=torch.float64)) * scale).pow(2).sum()
    loss.backward()
    return m


@pytest.mark.parametrize("scale,theta", [(10.0, 1.0), (0.01, 1.0), (3.0, 0.5), (1.0, 100.0)])
def test_matches_torch_clip_grad_norm(scale: float, theta: float) -> None:
    ours, ref = _model_with_grads(1, scale), _model_with_grads(1, scale)
    norm = clip_gradients(ours.parameters(), theta)
    ref_norm = torch.nn.utils.clip_grad_norm_(ref.parameters(), theta)
    assert float(norm) == pytest.approx(float(ref_norm), rel=1e-12)
    for a, b in zip(ours.parameters(), ref.parameters(), strict=True):
        # torch divides by (norm + 1e-6): equal up to that epsilon
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-5, atol=1e-12)


def test_formula_by_hand_one_global_norm() -> None:
    a = nn.Parameter(torch.zeros(2, dtype=torch.float64))
    b = nn.Parameter(torch.zeros(1, dtype=torch.float64))
    a.grad = torch.tensor([3.0, 0.0], dtype=torch.float64)
    b.grad = torch.tensor([4.0], dtype=torch.float64)  # ||g|| = 5 over BOTH tensors
    assert float(grad_norm([a, b])) == 5.0
    norm = clip_gradients([a, b], 2.0)
    assert float(norm) == 5.0  # reported before clipping
    assert a.grad.tolist() == pytest.approx([3.0 * 2 / 5, 0.0], abs=1e-15)
    assert b.grad.tolist() == pytest.approx([4.0 * 2 / 5], abs=1e-15)
    assert math.isclose(float(grad_norm([a, b])), 2.0, rel_tol=1e-15)


def test_at_the_threshold_the_formula_leaves_g_alone_unlike_clip_grad_norm() -> None:
    """min(1, theta/||g||) = 1 at ||g|| = theta; clip_grad_norm_'s theta/(||g|| + 1e-6) < 1 is
    why the scaling is ours (the hand-computed result, then torch's differing one)."""
    ours = nn.Parameter(torch.zeros(3, dtype=torch.float64))
    ours.grad = torch.tensor([3.0, 0.0, 4.0], dtype=torch.float64)  # ||g|| = 5 = theta
    theirs = nn.Parameter(torch.zeros(3, dtype=torch.float64))
    theirs.grad = ours.grad.clone()
    assert float(clip_gradients([ours], 5.0)) == 5.0
    assert ours.grad.tolist() == [3.0, 0.0, 4.0]  # bit for bit
    torch.nn.utils.clip_grad_norm_([theirs], 5.0)
    assert theirs.grad[0].item() == pytest.approx(3.0 * 5.0 / (5.0 + 1e-6), rel=1e-15)
    assert theirs.grad[0].item() < 3.0


def test_below_threshold_untouched_and_none_only_measures() -> None:
    a = nn.Parameter(torch.zeros(2, dtype=torch.float64))
    a.grad = torch.tensor([0.3, 0.4], dtype=torch.float64)
    assert float(clip_gradients([a], 1.0)) == pytest.approx(0.5)
    assert a.grad.tolist() == [0.3, 0.4]
    a.grad = torch.tensor([30.0, 40.0], dtype=torch.float64)
    assert float(clip_gradients([a], None)) == pytest.approx(50.0)
    assert a.grad.tolist() == [30.0, 40.0]


def test_parameters_without_grad_are_skipped() -> None:
    a, b = nn.Parameter(torch.ones(2)), nn.Parameter(torch.ones(2))
    a.grad = torch.tensor([6.0, 8.0])
    assert float(clip_gradients([a, b], 5.0)) == pytest.approx(10.0)
    assert b.grad is None
    assert a.grad.tolist() == pytest.approx([3.0, 4.0])
