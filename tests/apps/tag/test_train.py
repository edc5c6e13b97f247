"""Training through the one loop: it learns, resumes exactly, keeps its vocabularies and tag
map in the checkpoint, stops on a CPU budget, and starts from a seqlm language model."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from seqlm.apps.tag import evaluate_tagger, load_tagger, predict, tag_data, train_tagger
from seqlm.apps.tag.budget import CpuBudget
from seqlm.apps.tag.pretrain import init_tagger_from_lm
from seqlm.apps.tag.text import sentences_text
from seqlm.apps.tag.train import build_tagger
from seqlm.errors import ConfigError
from seqlm.train import CheckpointError, TrainConfig
from tests.apps.tag.toy import toy_sentences

SMALL = {"hidden": 16, "char_hidden": 12, "char_embed": 8, "word_embed": 8, "layers": 1,
         "dropout": 0.0}


def _cfg(epochs: int) -> TrainConfig:
    return TrainConfig(epochs=epochs, optimizer="adam", lr=0.02, clip=5.0, progress=False,
                       device="cpu")


def test_learns_and_tags_words_it_never_saw_from_their_spelling(tmp_path: Path) -> None:
    torch.manual_seed(0)
    train = toy_sentences(60, seed=0, roots=["walk", "talk", "quick", "slow", "dark", "kind"])
    unseen = toy_sentences(30, seed=1, roots=["brisk", "grand", "plump", "stern"])
    data = tag_data(train, toy_sentences(10, seed=2))
    model, result = train_tagger(SMALL, data, _cfg(12), batch_size=8, out=tmp_path)
    assert result.history[-1]["train_nll"] < 0.3 * result.history[0]["train_nll"]
    scores = evaluate_tagger(model, data.vocabs, unseen)
    assert scores.unseen_tokens > 0.6 * scores.tokens  # the roots are new ...
    assert scores.unseen_accuracy > 0.9                 # ... their suffixes tell the tag
    again, vocabs, ckpt = load_tagger(tmp_path / "best.pt")
    assert vocabs.tags == data.vocabs.tags and ckpt["model_config"]["kind"] == "tagger"
    assert predict(again, vocabs, unseen[:3]) == predict(model, data.vocabs, unseen[:3]) or \
        ckpt["epoch"] < len(result.history)  # best.pt may be an earlier epoch than the last


def test_resume_continues_exactly(tmp_path: Path) -> None:
    data = tag_data(toy_sentences(24), toy_sentences(6, seed=3))
    settings = {**SMALL, "dropout": 0.2}  # dropout and word dropout draw random numbers

    def run(out: Path, epochs: int, resume: bool) -> dict[str, torch.Tensor]:
        torch.manual_seed(0)
        model, _ = train_tagger(settings, data, _cfg(epochs), batch_size=5, seed=4, out=out,
                                resume=out / "last.pt" if resume else None)
        return model.state_dict()

    straight = run(tmp_path / "a", 3, False)
    run(tmp_path / "b", 1, False)
    torch.manual_seed(123)  # the checkpoint's RNG states must win over the caller's
    resumed = run(tmp_path / "b", 3, True)
    for name, value in straight.items():
        torch.testing.assert_close(resumed[name], value, rtol=0, atol=0)


def test_a_cpu_budget_ends_the_epoch_like_a_time_limit(tmp_path: Path) -> None:
    data = tag_data(toy_sentences(20), toy_sentences(4, seed=3))
    _, result = train_tagger(SMALL, data, _cfg(50), batch_size=4, out=tmp_path,
                             on_step=CpuBudget(1e-9))
    assert result.stopped == "time_limit" and len(result.history) == 1
    assert (tmp_path / "best.pt").is_file() and (tmp_path / "last.pt").is_file()
    with pytest.raises(ConfigError):
        CpuBudget(0)


def test_other_checkpoints_are_refused(tmp_path: Path) -> None:
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError):
        load_tagger(tmp_path / "junk.pt")
    lm = _char_lm(tmp_path)
    with pytest.raises(CheckpointError, match="not of a tagger"):
        load_tagger(lm)


def _char_lm(tmp_path: Path, hidden: int = 12, embed: int = 8) -> Path:
    from seqlm.apps.lm import lm_data, train_lm

    text = sentences_text(toy_sentences(30, seed=5))
    torch.manual_seed(0)
    train_lm({"kind": "lstm", "num_hiddens": hidden, "embed_size": embed}, lm_data(text, None),
             _cfg(1), batch_size=4, num_steps=8, out=tmp_path / "lm")
    return tmp_path / "lm" / "last.pt"


def test_the_spelling_encoder_starts_from_a_char_lm(tmp_path: Path) -> None:
    from seqlm.apps.lm import load_lm

    lm_path = _char_lm(tmp_path)
    lm, _ = load_lm(lm_path)
    data = tag_data(toy_sentences(20))
    model = build_tagger(SMALL, data.vocabs)
    summary = init_tagger_from_lm(model, data.vocabs, lm_path)
    assert "spelling encoder" in summary
    fwd = model.chars.forward_stack[0]
    lm_state = lm.model.state_dict()
    for name in ("rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0"):
        torch.testing.assert_close(fwd.state_dict()[name], lm_state[name])
    table = fwd.embedding.weight
    chars = data.vocabs.chars
    for c in "walk":  # rows mapped by character, not by index
        torch.testing.assert_close(table[chars.index(c)],
                                   lm_state["embedding.weight"][lm.vocab.index(c)])
    torch.testing.assert_close(table[chars.index("<w>")],
                               lm_state["embedding.weight"][lm.vocab.index(" ")])
    wrong = build_tagger({**SMALL, "char_hidden": 10}, data.vocabs)
    with pytest.raises(ConfigError, match="differs"):
        init_tagger_from_lm(wrong, data.vocabs, _char_lm(tmp_path / "x", hidden=12))
