"""One-unit cells worked out by hand (Python floats, the equations written out) for 1-2 steps."""

from __future__ import annotations

import math

import torch

from seqlm.rnn import GRUScratch, LSTMScratch, RNNScratch


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def set_params(model: torch.nn.Module, values: dict[str, list]) -> None:
    with torch.no_grad():
        for name, v in values.items():
            getattr(model, name).copy_(torch.tensor(v, dtype=torch.float64))


def test_rnn_two_steps_by_hand() -> None:
    # vocab 2 one-hot, H = 1, output 2: W_xh rows are the input term of tokens 0 and 1
    m = RNNScratch(1, vocab_size=2).double()
    set_params(m, {"W_xh": [[0.5], [-1.0]], "W_hh": [[2.0]], "b_h": [0.1],
                   "W_hq": [[1.0, -1.0]], "b_q": [0.0, 0.5]})
    out, H = m(torch.tensor([[1, 0]]), torch.tensor([[0.3]], dtype=torch.float64))
    h1 = math.tanh(-1.0 + 2.0 * 0.3 + 0.1)  # x_1 = token 1
    h2 = math.tanh(0.5 + 2.0 * h1 + 0.1)  # x_2 = token 0
    expected = [[[h1, -h1 + 0.5], [h2, -h2 + 0.5]]]
    torch.testing.assert_close(out, torch.tensor(expected, dtype=torch.float64))
    torch.testing.assert_close(H, torch.tensor([[h2]], dtype=torch.float64))
    # relu: max(0, .) instead of tanh
    m.phi = torch.relu
    out, H = m(torch.tensor([[1, 0]]), torch.tensor([[0.3]], dtype=torch.float64))
    r1 = max(0.0, -1.0 + 0.6 + 0.1)
    r2 = max(0.0, 0.5 + 2.0 * r1 + 0.1)
    assert r1 == 0.0
    assert math.isclose(H.item(), r2, rel_tol=1e-12)


def test_gru_one_step_by_hand() -> None:
    m = GRUScratch(1, vocab_size=2, output_size=1).double()
    set_params(m, {"W_xr": [[0.2], [0.4]], "W_hr": [[0.3]], "b_r": [0.1],
                   "W_xz": [[-0.5], [0.6]], "W_hz": [[0.7]], "b_z": [0.0],
                   "W_xh": [[1.0], [-0.8]], "W_hh": [[0.9]], "b_h": [0.05],
                   "W_hq": [[2.0]], "b_q": [-1.0]})
    h0 = 0.4
    r = sig(0.4 + 0.3 * h0 + 0.1)  # token 1
    z = sig(0.6 + 0.7 * h0)
    h_tilde = math.tanh(-0.8 + 0.9 * (r * h0) + 0.05)
    h1 = z * h0 + (1 - z) * h_tilde
    out, H = m(torch.tensor([[1]]), torch.tensor([[h0]], dtype=torch.float64))
    assert math.isclose(H.item(), h1, rel_tol=1e-12)
    assert math.isclose(out.item(), 2.0 * h1 - 1.0, rel_tol=1e-12)


def test_lstm_one_step_by_hand() -> None:
    m = LSTMScratch(1, input_size=1, output_size=1).double()
    set_params(m, {"W_xi": [[0.5]], "W_hi": [[0.1]], "b_i": [0.0],
                   "W_xf": [[-0.3]], "W_hf": [[0.2]], "b_f": [1.0],
                   "W_xo": [[0.8]], "W_ho": [[-0.4]], "b_o": [0.1],
                   "W_xc": [[1.2]], "W_hc": [[0.6]], "b_c": [-0.2],
                   "W_hq": [[1.0]], "b_q": [0.0]})
    x, h0, c0 = 0.7, -0.2, 0.3
    i = sig(0.5 * x + 0.1 * h0)
    f = sig(-0.3 * x + 0.2 * h0 + 1.0)
    o = sig(0.8 * x - 0.4 * h0 + 0.1)
    c = f * c0 + i * math.tanh(1.2 * x + 0.6 * h0 - 0.2)
    h = o * math.tanh(c)
    state = (torch.tensor([[h0]], dtype=torch.float64), torch.tensor([[c0]], dtype=torch.float64))
    out, (H, C) = m(torch.tensor([[[x]]], dtype=torch.float64), state)
    assert math.isclose(C.item(), c, rel_tol=1e-12)
    assert math.isclose(H.item(), h, rel_tol=1e-12)
    assert math.isclose(out.item(), h, rel_tol=1e-12)
