"""init_from_lm: the LM's cell goes into the encoder, token rows mapped by token, new tokens
keep their fresh initialisation, another cell or a non-LM file is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from seqlm.apps.common import EncoderConfig, SequenceEncoder, build_vocab, init_from_lm
from seqlm.apps.lm import lm_data, train_lm
from seqlm.errors import ConfigError
from seqlm.train import TrainConfig, save_checkpoint
from seqlm.train.errors import CheckpointError

TEXT = "anna\nboris\nkarenina\nivan\nolga\nnatasha\n" * 2


def _lm(tmp: Path, model: dict) -> tuple[Path, object]:
    data = lm_data(TEXT, None, "char")
    cfg = TrainConfig(epochs=1, optimizer="adam", lr=0.01, progress=False, device="cpu")
    lm, _ = train_lm(model, data, cfg, batch_size=2, num_steps=5, out=tmp)
    return tmp / "last.pt", lm


@pytest.mark.parametrize("model", [
    {"kind": "lstm", "num_hiddens": 8, "embed_size": 5, "num_layers": 2},
    {"kind": "gru_scratch", "num_hiddens": 8, "embed_size": None},  # one-hot: W_x* rows
])
def test_cell_and_token_rows_are_copied(tmp_path: Path, model: dict) -> None:
    path, lm = _lm(tmp_path, model)
    vocab = build_vocab(["Anna", "boris", "zoë"])  # 'A', 'z', 'ë' unknown to the LM
    cfg = EncoderConfig(vocab_size=len(vocab), kind=model["kind"], num_hiddens=8,
                        embed_size=model["embed_size"] or 0,
                        num_layers=model.get("num_layers", 1))
    torch.manual_seed(1)
    enc = SequenceEncoder(cfg)
    before = {k: v.clone() for k, v in enc.state_dict().items()}
    report = init_from_lm(enc, path, vocab)
    assert sorted(report.fresh) == ["A", "z", "ë"]
    target, source = enc.forward_stack[0].state_dict(), lm.model.state_dict()  # type: ignore[attr-defined]
    token_param, axis = (("embedding.weight", 0) if model["embed_size"] else ("W_xh", 0))
    for name in report.copied:
        if name == token_param or name.startswith("W_x"):
            continue
        assert torch.equal(target[name], source[name]), name
    for token in ["a", "b", "\n"] if "\n" in vocab else ["a", "b", "s"]:
        i, j = vocab.token_to_idx[token], lm.vocab.token_to_idx[token]  # type: ignore[attr-defined]
        assert torch.equal(target[token_param].select(axis, i), source[token_param].select(axis, j))
    for token in ["A", "z", "ë", "<pad>"]:
        i = vocab.token_to_idx[token]
        old = before[f"forward_stack.0.{token_param}"].select(axis, i)
        assert torch.equal(target[token_param].select(axis, i), old)
    # the backward direction is left as it was
    for k, v in enc.state_dict().items():
        if k.startswith("backward_stack"):
            assert torch.equal(v, before[k])


def test_other_cell_and_non_lm_files_are_refused(tmp_path: Path) -> None:
    path, _ = _lm(tmp_path, {"kind": "gru", "num_hiddens": 8, "embed_size": 5})
    vocab = build_vocab(["anna"])
    enc = SequenceEncoder(EncoderConfig(vocab_size=len(vocab), kind="lstm", num_hiddens=8,
                                        embed_size=5))
    with pytest.raises(ConfigError, match="kind 'gru' vs 'lstm'"):
        init_from_lm(enc, path, vocab)
    save_checkpoint(tmp_path / "other.pt", {"model_state": {}, "epoch": 0, "step": 0})
    with pytest.raises(CheckpointError, match="not of a language model"):
        init_from_lm(enc, tmp_path / "other.pt", vocab)
    (tmp_path / "evil.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError):
        init_from_lm(enc, tmp_path / "evil.pt", vocab)
