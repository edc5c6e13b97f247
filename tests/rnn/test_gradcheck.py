"""Finite differences: the scratch cells' gradients through several time steps (float64)."""

from __future__ import annotations

import pytest
import torch
from torch.func import functional_call

from seqlm.rnn import GRUScratch, LSTMScratch, RNNScratch


@pytest.mark.parametrize(
    "make",
    [
        lambda: RNNScratch(3, vocab_size=4),
        lambda: RNNScratch(3, vocab_size=4, embed_size=2, nonlinearity="relu"),
        lambda: RNNScratch(3, input_size=2, init="book"),
        lambda: GRUScratch(3, vocab_size=4),
        lambda: LSTMScratch(3, vocab_size=4),
    ],
)
def test_gradcheck_through_time(make) -> None:
    torch.manual_seed(0)
    model = make().double()
    names = [n for n, _ in model.named_parameters()]
    params = tuple(p.detach().clone().requires_grad_() for p in model.parameters())
    gen = torch.Generator().manual_seed(1)
    if model.vocab_size:
        X = torch.randint(0, 4, (2, 5), generator=gen)
    else:
        X = torch.randn(2, 5, 2, generator=gen, dtype=torch.float64)
    H0 = (torch.randn(2, 3, generator=gen, dtype=torch.float64) * 0.5).requires_grad_()

    def f(H0: torch.Tensor, *ps: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        state = (H0, H0 * 0.5) if isinstance(model, LSTMScratch) else H0
        out, last = functional_call(model, dict(zip(names, ps, strict=True)), (X, state))
        H_T = last[0] if isinstance(last, tuple) else last
        return out, H_T

    assert torch.autograd.gradcheck(f, (H0, *params), eps=1e-6, atol=1e-7, rtol=1e-5)
