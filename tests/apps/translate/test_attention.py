"""Additive attention against a hand computation: weights sum to 1, padding gets none."""

from __future__ import annotations

import math

import torch

from seqlm.apps.translate.attention import AdditiveAttention, masked_softmax


def _attention(seed: int = 0) -> AdditiveAttention:
    torch.manual_seed(seed)
    return AdditiveAttention(query_size=3, key_size=4, num_hiddens=5).double()


def test_masked_softmax_rows_sum_to_one_and_ignore_padding() -> None:
    scores = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 100.0]])
    valid = torch.tensor([[True, True, True], [True, True, False]])
    w = masked_softmax(scores, valid)
    assert torch.allclose(w.sum(-1), torch.ones(2))
    assert w[1, 2] == 0
    e = [math.exp(0.5), math.exp(-1.0)]
    assert math.isclose(float(w[1, 0]), e[0] / sum(e), rel_tol=1e-6)


def test_matches_the_formula_written_out_by_hand() -> None:
    att = _attention()
    q = torch.randn(2, 3, dtype=torch.float64)
    keys = torch.randn(2, 4, 4, dtype=torch.float64)
    valid = torch.tensor([[True, True, True, True], [True, True, False, False]])
    context, weights = att(q, keys, att.project_keys(keys), valid)
    Wq, Wk, wv = att.W_q.weight.T, att.W_k.weight.T, att.w_v.weight[0]
    for b in range(2):
        n = int(valid[b].sum())
        e = [float((wv @ torch.tanh(q[b] @ Wq + keys[b, i] @ Wk)).detach()) for i in range(n)]
        a = [math.exp(x) / sum(math.exp(y) for y in e) for x in e]
        c = sum(a[i] * keys[b, i] for i in range(n))
        assert torch.allclose(weights[b, :n], torch.tensor(a, dtype=torch.float64))
        assert torch.all(weights[b, n:] == 0)
        assert torch.allclose(context[b], c)


def test_whatever_sits_in_the_padding_changes_nothing() -> None:
    att = _attention(1)
    q = torch.randn(1, 3, dtype=torch.float64)
    keys = torch.randn(1, 5, 4, dtype=torch.float64)
    valid = torch.tensor([[True, True, True, False, False]])
    c1, w1 = att(q, keys, att.project_keys(keys), valid)
    noisy = keys.clone()
    noisy[0, 3:] = 1e3 * torch.randn(2, 4, dtype=torch.float64)
    c2, w2 = att(q, noisy, att.project_keys(noisy), valid)
    short = keys[:, :3]
    c3, w3 = att(q, short, att.project_keys(short), valid[:, :3])
    assert torch.equal(w1, w2) and torch.allclose(c1, c2)
    assert torch.allclose(w1[:, :3], w3) and torch.allclose(c1, c3)


def test_gradients_match_finite_differences() -> None:
    att = _attention(2)
    keys = torch.randn(2, 3, 4, dtype=torch.float64)
    valid = torch.tensor([[True, True, True], [True, False, False]])

    def f(q: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
        return att(q, k, att.project_keys(k), valid)[0]

    q = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(f, (q, keys.requires_grad_()))
