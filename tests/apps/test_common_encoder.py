"""The masked encoder: padding and batch-mates never change a sequence's result; pooling and
the backward direction match the cells run by hand on the unpadded sequence."""

from __future__ import annotations

import pytest
import torch

from seqlm.apps.common import (
    EncoderConfig,
    SequenceEncoder,
    build_vocab,
    encode_texts,
    pad_batch,
    pad_index,
    reverse_padded,
)
from seqlm.errors import ConfigError, DataError

TEXTS = ["Abc", "Bd", "Cdeeeeee", "a", "dcba"]
KINDS = ["rnn_scratch", "gru_scratch", "lstm_scratch", "rnn", "gru", "lstm"]


def _encoder(kind: str, vocab_size: int, **kw: object) -> SequenceEncoder:
    torch.manual_seed(0)
    cfg = EncoderConfig(vocab_size=vocab_size, kind=kind, num_hiddens=6, embed_size=4,
                        pool="last+mean+max", **kw)  # type: ignore[arg-type]
    return SequenceEncoder(cfg).double().eval()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("layers", [1, 2])
def test_result_independent_of_batch_mates_and_padding(kind: str, layers: int) -> None:
    vocab = build_vocab(TEXTS)
    ids = encode_texts(TEXTS, vocab)
    enc = _encoder(kind, len(vocab), num_layers=layers)
    pad = pad_index(vocab)
    states, pooled = enc(*pad_batch(ids, pad))
    for k, seq in enumerate(ids):
        alone_states, alone = enc(*pad_batch([seq], pad))
        torch.testing.assert_close(pooled[k], alone[0], rtol=0, atol=1e-12)
        torch.testing.assert_close(states[k, : len(seq)], alone_states[0], rtol=0, atol=1e-12)
    # other padding values and longer padding change nothing either
    X, L = pad_batch(ids, pad)
    wide = torch.cat([X, torch.full((len(ids), 3), 0)], dim=1)
    wide[wide == pad] = 0
    torch.testing.assert_close(enc(wide, L)[1], pooled, rtol=0, atol=1e-12)


def test_backward_direction_and_pooling_by_hand() -> None:
    vocab = build_vocab(TEXTS)
    seq = encode_texts(["Cdeeeeee"], vocab)[0]
    enc = _encoder("gru", len(vocab))
    _, pooled = enc(*pad_batch([seq, seq[:2]], pad_index(vocab)))
    x = torch.as_tensor(seq)[None]
    h_fwd, _ = enc.forward_stack[0].hidden_states(x)
    h_bwd, _ = enc.backward_stack[0].hidden_states(x.flip(1))  # type: ignore[index]
    h_bwd = h_bwd.flip(1)  # back in reading order
    both = torch.cat([h_fwd, h_bwd], dim=-1)[0]
    expect = torch.cat([h_fwd[0, -1], h_bwd[0, 0], both.mean(0), both.amax(0)])
    torch.testing.assert_close(pooled[0], expect, rtol=0, atol=1e-12)


def test_reverse_padded_keeps_padding_and_is_an_involution() -> None:
    x = torch.tensor([[1, 2, 3, 0], [4, 5, 0, 0]])
    lengths = torch.tensor([3, 2])
    r = reverse_padded(x, lengths)
    assert r.tolist() == [[3, 2, 1, 0], [5, 4, 0, 0]]
    assert torch.equal(reverse_padded(r, lengths), x)
    feats = torch.arange(16.0).reshape(2, 4, 2)
    assert torch.equal(reverse_padded(reverse_padded(feats, lengths), lengths), feats)


def test_gradients_never_reach_the_padding_embedding() -> None:
    vocab = build_vocab(TEXTS)
    ids = encode_texts(TEXTS, vocab)
    enc = _encoder("lstm", len(vocab))
    enc.train()
    _, pooled = enc(*pad_batch(ids, pad_index(vocab)))
    pooled.sum().backward()
    grad = enc.forward_stack[0].embedding.weight.grad
    assert grad is not None and float(grad[pad_index(vocab)].abs().sum()) == 0.0


def test_bad_settings_and_inputs() -> None:
    with pytest.raises(ConfigError, match="unknown cell kind"):
        EncoderConfig(vocab_size=5, kind="transformer")
    with pytest.raises(ConfigError, match="pool"):
        EncoderConfig(vocab_size=5, pool="last+median")
    with pytest.raises(ConfigError, match="unknown encoder settings"):
        EncoderConfig.from_dict({"vocab_size": 5, "colour": "red"})
    with pytest.raises(DataError, match="empty"):
        pad_batch([[1, 2], []], 0)
    cfg = EncoderConfig(vocab_size=7, kind="lstm_scratch", num_layers=3, bidirectional=False)
    assert EncoderConfig.from_dict(cfg.to_dict()) == cfg
    assert len(SequenceEncoder(cfg).forward_stack) == 3 and cfg.output_size == 128
