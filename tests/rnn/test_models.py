"""The model contract: forward/begin_state/config, build_model, tying, dropout, bad settings."""

from __future__ import annotations

import json

import pytest
import torch

from seqlm.errors import ConfigError, DataError, SeqlmError
from seqlm.rnn import KINDS, GRUScratch, LSTMScratch, RNNScratch, TorchRNN, build_model
from seqlm.rnn.state import detach_state

CONFIGS = [
    {"kind": "rnn_scratch", "num_hiddens": 6, "vocab_size": 5},
    {"kind": "rnn_scratch", "num_hiddens": 6, "vocab_size": 5, "embed_size": 3,
     "nonlinearity": "relu", "init": "book"},
    {"kind": "gru_scratch", "num_hiddens": 6, "input_size": 2, "output_size": 1},
    {"kind": "lstm_scratch", "num_hiddens": 6, "vocab_size": 5},
    {"kind": "rnn", "num_hiddens": 6, "vocab_size": 5},
    {"kind": "gru", "num_hiddens": 6, "vocab_size": 5, "embed_size": 4, "num_layers": 2},
    {"kind": "lstm", "num_hiddens": 6, "vocab_size": 5, "embed_size": 6, "num_layers": 3,
     "dropout": 0.3, "tie_weights": True},
]


def sample_input(model, batch=2, steps=4):
    if model.vocab_size:
        return torch.randint(0, model.vocab_size, (batch, steps))
    return torch.randn(batch, steps, model.input_size)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: c["kind"])
def test_contract_and_rebuild(config) -> None:
    torch.manual_seed(0)
    model = build_model(config)
    assert model.config["kind"] == config["kind"]
    assert json.loads(json.dumps(model.config)) == model.config
    X = sample_input(model)
    model.eval()
    out, state = model(X)
    assert out.shape == (2, 4, model.output_size) and out.dtype == torch.float32
    begin = model.begin_state(2)
    parts, begin_parts = (state, begin) if isinstance(state, tuple) else ((state,), (begin,))
    assert [p.shape for p in parts] == [p.shape for p in begin_parts]
    assert all((p == 0).all() for p in begin_parts)
    # state None means zeros
    torch.testing.assert_close(model(X, begin)[0], out)
    # a copy rebuilt from config and loaded with the weights computes the same
    twin = build_model(json.loads(json.dumps(model.config)))
    twin.load_state_dict(model.state_dict())
    twin.eval()
    torch.testing.assert_close(twin(X)[0], out)


def test_every_kind_is_buildable() -> None:
    for kind in KINDS:
        assert build_model({"kind": kind, "num_hiddens": 4, "vocab_size": 3}).config["kind"] == kind


def test_parameter_names_follow_the_formula() -> None:
    assert [n for n, _ in RNNScratch(4, vocab_size=3).named_parameters()] == [
        "W_hq", "b_q", "W_xh", "W_hh", "b_h"]
    gru = {n for n, _ in GRUScratch(4, vocab_size=3).named_parameters()}
    assert {"W_xr", "W_hr", "b_r", "W_xz", "W_hz", "b_z", "W_xh", "W_hh", "b_h"} < gru
    lstm = {n for n, _ in LSTMScratch(4, vocab_size=3, embed_size=2).named_parameters()}
    assert {"W_xi", "W_hf", "b_o", "W_xc", "embedding.weight"} < lstm
    m = RNNScratch(4, vocab_size=3)
    assert m.W_xh.shape == (3, 4) and m.W_hh.shape == (4, 4) and m.W_hq.shape == (4, 3)


def test_book_init() -> None:
    torch.manual_seed(0)
    m = RNNScratch(64, vocab_size=30, init="book")
    assert (m.b_h == 0).all() and (m.b_q == 0).all()
    assert 0.008 < m.W_hh.std().item() < 0.012


def test_tied_weights_share_one_matrix() -> None:
    m = TorchRNN("lstm", 8, vocab_size=11, embed_size=8, tie_weights=True)
    assert m.decoder.weight is m.embedding.weight
    n_params = sum(p.numel() for p in m.parameters())
    untied = TorchRNN("lstm", 8, vocab_size=11, embed_size=8)
    assert sum(p.numel() for p in untied.parameters()) - n_params == 11 * 8


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"vocab_size": 11, "embed_size": 6}, "embed_size == num_hiddens"),
        ({"vocab_size": 11}, "needs an input embedding"),
        ({"vocab_size": 11, "embed_size": 8, "output_size": 3}, "output_size == vocab_size"),
    ],
)
@pytest.mark.parametrize("make", [lambda **kw: TorchRNN("gru", 8, **kw),
                                  lambda **kw: RNNScratch(8, **kw)], ids=["torch", "scratch"])
def test_tying_impossible_sizes(make, kwargs, needle) -> None:
    with pytest.raises(ConfigError, match=needle):
        make(tie_weights=True, **kwargs)


def test_dropout_only_in_training() -> None:
    torch.manual_seed(0)
    m = TorchRNN("lstm", 8, vocab_size=5, embed_size=4, num_layers=2, dropout=0.5)
    X = torch.randint(0, 5, (2, 6))
    m.eval()
    torch.testing.assert_close(m(X)[0], m(X)[0])
    m.train()
    assert not torch.allclose(m(X)[0], m(X)[0])


@pytest.mark.parametrize("kwarg", ["dropout", "weight_drop"])
@pytest.mark.parametrize("cls", [RNNScratch, GRUScratch, LSTMScratch])
def test_scratch_dropout_is_identity_in_eval_and_random_in_training(cls, kwarg) -> None:
    torch.manual_seed(0)
    plain = cls(8, vocab_size=5, embed_size=4)
    dropped = cls(8, vocab_size=5, embed_size=4, **{kwarg: 0.5})
    dropped.load_state_dict(plain.state_dict())
    X = torch.randint(0, 5, (2, 6))
    dropped.eval()
    torch.testing.assert_close(dropped(X)[0], plain(X)[0])
    dropped.train()
    assert not torch.allclose(dropped(X)[0], dropped(X)[0])
    assert build_model(dropped.config).config[kwarg] == 0.5


def test_scratch_rnn_dropout_matches_the_formula_with_the_same_masks() -> None:
    """With masks m_x, m_o: H_t = tanh((m_x * E x_t) W_xh + H_{t-1} W_hh + b_h) and
    O_t = (m_o * H_t) W_hq + b_q -- dropout on the two non-recurrent connections only."""
    torch.manual_seed(1)
    m = RNNScratch(6, vocab_size=5, embed_size=3, dropout=0.4).double()
    X = torch.randint(0, 5, (2, 4))
    m_x = (torch.rand(4, 2, 3) > 0.4).double() / 0.6  # time-major, as the embedded input
    m_o = (torch.rand(2, 4, 6) > 0.4).double() / 0.6  # batch-major, as the stacked H_t
    masks = iter([m_x, m_o])

    class Recorded(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x * next(masks)

    m.drop = Recorded()
    O, H_T = m(X)  # noqa: E741 (the formula's name)
    E = m.embedding(X.T).double() * m_x
    H = torch.zeros(2, 6, dtype=torch.float64)
    Hs = []
    for t in range(4):
        H = torch.tanh(E[t] @ m.W_xh + H @ m.W_hh + m.b_h)
        Hs.append(H)
    torch.testing.assert_close(H_T, H)
    torch.testing.assert_close(O, (torch.stack(Hs, dim=1) * m_o) @ m.W_hq + m.b_q)


def test_detach_state() -> None:
    m = LSTMScratch(3, vocab_size=4)
    _, state = m(torch.zeros(1, 2, dtype=torch.long))
    assert all(s.requires_grad for s in state)
    detached = detach_state(state)
    assert isinstance(detached, tuple) and not any(s.requires_grad for s in detached)
    torch.testing.assert_close(detached, state)
    assert detach_state(None) is None
    h = detach_state(RNNScratch(3, vocab_size=4)(torch.zeros(1, 2, dtype=torch.long))[1])
    assert isinstance(h, torch.Tensor) and not h.requires_grad


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_hiddens": 4},  # neither vocab_size nor input_size
        {"num_hiddens": 4, "vocab_size": 3, "input_size": 2},
        {"num_hiddens": 0, "vocab_size": 3},
        {"num_hiddens": 4, "vocab_size": 3, "embed_size": -1},
        {"num_hiddens": 4, "input_size": 3, "embed_size": 2},
        {"num_hiddens": 4, "vocab_size": 3, "nonlinearity": "sigmoid"},
        {"num_hiddens": 4, "vocab_size": 3, "init": "xavier"},
        {"num_hiddens": 2.5, "vocab_size": 3},
        {"num_hiddens": 4, "vocab_size": 3, "weight_drop": 1.0},
    ],
)
def test_bad_scratch_settings(kwargs) -> None:
    with pytest.raises(ConfigError):
        RNNScratch(**kwargs)


@pytest.mark.parametrize(
    "config",
    [
        {"num_hiddens": 4},
        {"kind": "transformer", "num_hiddens": 4, "vocab_size": 3},
        {"kind": "rnn_scratch", "num_hiddens": 4, "vocab_size": 3, "num_layers": 2},
        {"kind": "lstm", "num_hiddens": 4, "vocab_size": 3, "dropout": 1.5},
        {"kind": "gru", "num_hiddens": 4, "vocab_size": 3, "nonlinearity": "relu"},
        {"kind": "lstm", "num_hiddens": 4, "vocab_size": 3, "num_layers": 0},
        {"kind": "lstm", "num_hiddens": 4, "vocab_size": 3, "weight_drop": -0.1},
    ],
)
def test_bad_configs(config) -> None:
    with pytest.raises(ConfigError):
        build_model(config)


@pytest.mark.parametrize("kind", ["rnn_scratch", "lstm"])
def test_bad_input(kind) -> None:
    m = build_model({"kind": kind, "num_hiddens": 4, "vocab_size": 3})
    with pytest.raises(DataError, match="no time steps"):
        m(torch.zeros(2, 0, dtype=torch.long))
    with pytest.raises(DataError, match="token ids"):
        m(torch.zeros(2, 3))
    v = build_model({"kind": kind, "num_hiddens": 4, "input_size": 2})
    with pytest.raises(SeqlmError, match="float input"):
        v(torch.zeros(2, 3, 5))


def test_embedding_and_decoder_start_small_as_word_language_model() -> None:
    """U(-0.1, 0.1) ends and a zero decoder bias: tied logits start near uniform (not N(0, 1))."""
    torch.manual_seed(0)
    m = TorchRNN("lstm", 200, vocab_size=1000, embed_size=200, num_layers=2, tie_weights=True)
    assert m.decoder.weight is m.embedding.weight
    assert float(m.embedding.weight.detach().abs().max()) <= 0.1
    assert float(m.decoder.bias.detach().abs().max()) == 0
    logits, _ = m(torch.randint(0, 1000, (4, 10)))
    assert float(logits.detach().std()) < 0.1  # 0.02 here; N(0, 1) embeddings gave 0.54
