"""DropConnect on the recurrent weights (weight_drop) and tied embeddings in the scratch cells."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from seqlm.rnn import LSTMScratch, RNNScratch, TorchRNN, build_model


def test_scratch_rnn_weight_drop_is_one_mask_on_W_hh_for_all_steps() -> None:
    """Training forward = the formula with W_hh replaced by (M * W_hh) / (1 - p), one Bernoulli
    mask M drawn per forward pass; the input and output weights are untouched."""
    torch.manual_seed(3)
    m = RNNScratch(6, vocab_size=5, embed_size=3, weight_drop=0.5).double()
    X = torch.randint(0, 5, (2, 7))
    torch.manual_seed(11)
    O, H_T = m(X)  # noqa: E741 (the formula's name)
    torch.manual_seed(11)
    M = F.dropout(torch.ones(6, 6, dtype=torch.float64), 0.5, training=True)  # same draw
    assert set(M.unique().tolist()) <= {0.0, 2.0} and 0 < int((M == 0).sum()) < 36
    E = m.embedding(X.T)
    H = torch.zeros(2, 6, dtype=torch.float64)
    Hs = []
    for t in range(7):
        H = torch.tanh(E[t] @ m.W_xh + H @ (m.W_hh * M) + m.b_h)
        Hs.append(H)
    torch.testing.assert_close(H_T, H)
    torch.testing.assert_close(O, torch.stack(Hs, dim=1) @ m.W_hq + m.b_q)
    # a dropped connection gets no gradient from this pass
    O.sum().backward()
    assert torch.all(m.W_hh.grad[M == 0] == 0) and m.W_hh.grad[M != 0].abs().sum() > 0


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_torch_weight_drop_matches_masked_hidden_weights(cell) -> None:
    """TorchRNN's DropConnect = the same nn layer run with every weight_hh_l{k} masked."""
    torch.manual_seed(0)
    m = TorchRNN(cell, 6, vocab_size=7, embed_size=5, num_layers=2, weight_drop=0.3).double()
    X = torch.randint(0, 7, (3, 5))
    torch.manual_seed(5)
    out, _ = m(X)
    ref = TorchRNN(cell, 6, vocab_size=7, embed_size=5, num_layers=2).double()
    ref.load_state_dict(m.state_dict())
    torch.manual_seed(5)
    with torch.no_grad():
        for k in range(2):
            w = getattr(ref.rnn, f"weight_hh_l{k}")
            w.copy_(F.dropout(w, 0.3, training=True))
    torch.testing.assert_close(out, ref(X)[0])
    m.eval()  # evaluation uses the full matrices
    torch.testing.assert_close(m(X)[0], m.decoder(m.rnn(m.embedding(X))[0]))
    out.sum().backward()  # the real parameters get the gradient through the masked copy
    assert m.rnn.weight_hh_l1.grad is not None and m.rnn.weight_hh_l1.grad.abs().sum() > 0


def test_scratch_tied_output_is_the_transposed_embedding() -> None:
    torch.manual_seed(0)
    m = LSTMScratch(6, vocab_size=9, embed_size=6, tie_weights=True).double()
    assert not hasattr(m, "W_hq") and "W_hq" not in dict(m.named_parameters())
    assert m.embedding.weight.abs().max() <= 0.1  # U(-0.1, 0.1) when tied
    X = torch.randint(0, 9, (2, 4))
    m.eval()
    O, _ = m(X)  # noqa: E741
    Hs = []
    H = C = torch.zeros(2, 6, dtype=torch.float64)
    for t in range(4):
        x = m.embedding(X[:, t])
        gate = {g: x @ getattr(m, f"W_x{g}") + H @ getattr(m, f"W_h{g}") + getattr(m, f"b_{g}")
                for g in "ifoc"}
        C = torch.sigmoid(gate["f"]) * C + torch.sigmoid(gate["i"]) * torch.tanh(gate["c"])
        H = torch.sigmoid(gate["o"]) * torch.tanh(C)
        Hs.append(H)
    torch.testing.assert_close(O, torch.stack(Hs, dim=1) @ m.embedding.weight.T + m.b_q)
    untied = LSTMScratch(6, vocab_size=9, embed_size=6)
    assert sum(p.numel() for p in untied.parameters()) - \
        sum(p.numel() for p in m.parameters()) == 6 * 9
    rebuilt = build_model(m.config)
    assert rebuilt.tie_weights and not hasattr(rebuilt, "W_hq")
