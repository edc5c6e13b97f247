"""Same weights -> the scratch cells and torch.nn give the same outputs, states and gradients."""

from __future__ import annotations

import pytest
import torch

from seqlm.rnn import GRUScratch, LSTMScratch, RNNScratch, TorchRNN
from tests.rnn.copy_weights import copy_into, library_grads

TOL = {"rtol": 1e-8, "atol": 1e-8}
V, H, B, T = 7, 5, 3, 6


def make_pair(cell: str, embed: int | None, nonlinearity: str = "tanh", input_size=None):
    torch.manual_seed(0)
    sizes = {"input_size": input_size} if input_size else {"vocab_size": V, "embed_size": embed}
    if cell == "rnn":
        scratch = RNNScratch(H, nonlinearity=nonlinearity, **sizes)
    elif cell == "gru":
        scratch = GRUScratch(H, reset_after=True, **sizes)
    else:
        scratch = LSTMScratch(H, **sizes)
    extra = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
    lib = TorchRNN(cell, H, **sizes, **extra)
    scratch, lib = scratch.double(), lib.double()
    copy_into(scratch, lib)
    return scratch, lib


def to_library_state(state, cell):
    if cell == "lstm":
        return tuple(s.unsqueeze(0) for s in state)
    return state.unsqueeze(0)


def state_sum(state, weights):
    parts = state if isinstance(state, tuple) else (state,)
    return sum((p.reshape(-1) * w[: p.numel()]).sum() for p, w in zip(parts, weights, strict=False))


@pytest.mark.parametrize(
    ("cell", "embed", "nonlinearity"),
    [("rnn", None, "tanh"), ("rnn", 4, "relu"), ("gru", None, "tanh"), ("gru", 4, "tanh"),
     ("lstm", None, "tanh"), ("lstm", 4, "tanh")],
)
def test_scratch_matches_torch_nn(cell: str, embed: int | None, nonlinearity: str) -> None:
    scratch, lib = make_pair(cell, embed, nonlinearity)
    gen = torch.Generator().manual_seed(1)
    X = torch.randint(0, V, (B, T), generator=gen)
    s0 = scratch.begin_state(B)
    s0 = tuple(torch.randn(s.shape, generator=gen, dtype=torch.float64) * 0.5 for s in s0) \
        if isinstance(s0, tuple) else torch.randn(s0.shape, generator=gen, dtype=torch.float64)
    s0_lib = to_library_state(s0, cell)
    w_out = torch.randn(B, T, V, generator=gen, dtype=torch.float64)
    w_state = [torch.randn(B * H, generator=gen, dtype=torch.float64) for _ in range(2)]

    out_s, state_s = scratch(X, s0)
    out_l, state_l = lib(X, s0_lib)
    torch.testing.assert_close(out_s, out_l, **TOL)
    torch.testing.assert_close(to_library_state(state_s, cell), state_l, **TOL)

    ((out_s * w_out).sum() + state_sum(state_s, w_state)).backward()
    ((out_l * w_out).sum() + state_sum(state_l, w_state)).backward()
    expected = library_grads(scratch, lib)
    for name, p in scratch.named_parameters():
        torch.testing.assert_close(p.grad, expected[name], **TOL, msg=name)
    assert set(expected) == {n for n, _ in scratch.named_parameters()}


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_real_valued_input_matches(cell: str) -> None:
    scratch, lib = make_pair(cell, None, input_size=3)
    X = torch.randn(B, T, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    out_s, _ = scratch(X)
    out_l, _ = lib(X)
    assert out_s.shape == (B, T, 3)
    torch.testing.assert_close(out_s, out_l, **TOL)


def test_state_carried_equals_one_long_call() -> None:
    """Two calls of 3 steps, passing the state along, equal one call of 6 steps."""
    scratch, _ = make_pair("lstm", None)
    X = torch.randint(0, V, (B, T), generator=torch.Generator().manual_seed(3))
    full, (h_full, c_full) = scratch(X)
    first, state = scratch(X[:, :3])
    second, (h, c) = scratch(X[:, 3:], state)
    torch.testing.assert_close(torch.cat([first, second], 1), full, **TOL)
    torch.testing.assert_close((h, c), (h_full, c_full), **TOL)


def test_book_gru_differs_from_cudnn_form() -> None:
    """The two documented GRU forms really are different functions."""
    torch.manual_seed(0)
    book = GRUScratch(H, vocab_size=V).double()
    cudnn = GRUScratch(H, vocab_size=V, reset_after=True).double()
    cudnn.load_state_dict(book.state_dict())
    X = torch.randint(0, V, (B, T), generator=torch.Generator().manual_seed(4))
    assert not torch.allclose(book(X)[0], cudnn(X)[0], rtol=1e-6, atol=1e-6)
