"""Weight averaging: the moving-average formula by hand, what is evaluated, checkpoints."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from seqlm.data import SeqDataLoader
from seqlm.errors import ConfigError
from seqlm.train import LanguageModelTask, StreamBatches, TrainConfig, Trainer, evaluate
from seqlm.train.average import WeightAverage, load_averaged
from tests.train.tiny import TinyLM, corpus


def test_update_follows_the_formula_with_warm_up() -> None:
    model = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(1.0)
    avg = WeightAverage(model, decay=0.9)
    expect = 1.0
    for n, value in enumerate([3.0, -2.0, 5.0, 0.5, 7.0, 1.0, 4.0, 2.0, 9.0, -1.0], start=1):
        with torch.no_grad():
            model.weight.fill_(value)
        avg.update(model)
        d = min(0.9, (1 + n) / (10 + n))  # 2/11, 3/12, ... until it reaches 0.9
        expect = d * expect + (1 - d) * value
        assert float(avg.shadow["weight"]) == pytest.approx(expect, rel=1e-6)
    assert avg.rate() == pytest.approx(12 / 21)  # still warming up at n = 11
    avg.updates = 80  # n = 81: 82 / 91 > 0.9, the configured decay from here on
    assert avg.rate() == 0.9


def test_applied_swaps_in_the_average_and_restores_the_raw_weights() -> None:
    torch.manual_seed(0)
    model = TinyLM()
    model.out.weight = model.emb.weight  # tied: one shared parameter, averaged once
    avg = WeightAverage(model, decay=0.5)
    assert "out.weight" not in avg.shadow and "emb.weight" in avg.shadow
    raw = {k: v.clone() for k, v in model.state_dict().items()}
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)
    avg.update(model)  # d = 2/11: shadow = raw + 9/11
    moved = {k: v.clone() for k, v in model.state_dict().items()}
    with avg.applied(model):
        for k, v in model.state_dict().items():
            assert torch.allclose(v, raw[k] + 9 / 11, atol=1e-6), k
        assert model.out.weight is model.emb.weight
    for k, v in model.state_dict().items():
        assert torch.equal(v, moved[k]), k


def _trainer(out: Path | None, epochs: int, **cfg: object) -> Trainer:
    torch.manual_seed(0)
    ids = corpus(900)
    train = SeqDataLoader(ids[:800], 4, 6, strategy="sequential", seed=3)  # type: ignore[arg-type]
    valid = StreamBatches(ids[800:], 2, 6)
    settings = {"optimizer": "adam", "lr": 0.02, "progress": False, "device": "cpu", **cfg}
    return Trainer(TinyLM(dropout=0.3), LanguageModelTask(), train, valid,
                   TrainConfig(epochs=epochs, **settings), out=out)  # type: ignore[arg-type]


def test_validation_uses_the_averaged_weights_and_training_the_raw_ones() -> None:
    trainer = _trainer(None, 2, ema_decay=0.8)
    res = trainer.fit()
    assert trainer.average is not None and trainer.average.updates == res.history[-1]["step"]
    raw_loss, _ = evaluate(trainer.model, trainer.task, trainer.valid_batches)
    with trainer.average.applied(trainer.model):
        avg_loss, _ = evaluate(trainer.model, trainer.task, trainer.valid_batches)
    assert res.history[-1]["valid_loss"] == avg_loss != raw_loss
    # without averaging the same run validates its raw weights, which match the ones above
    plain = _trainer(None, 2)
    plain_res = plain.fit()
    assert plain_res.history[-1]["train_loss"] == res.history[-1]["train_loss"]
    assert plain_res.history[-1]["valid_loss"] == raw_loss


def test_checkpoint_holds_the_average_and_load_lm_scores_with_it(tmp_path: Path) -> None:
    from seqlm.apps.lm import lm_data, load_lm, train_lm

    text = "the time machine by h g wells the time traveller " * 30
    data = lm_data(text[:1200], text[1200:], "char")
    cfg = TrainConfig(epochs=2, optimizer="adam", lr=0.01, ema_decay=0.9, progress=False)
    lm, _ = train_lm({"kind": "gru", "num_hiddens": 16, "embed_size": 8}, data, cfg,
                     batch_size=4, num_steps=10, out=tmp_path)
    loaded, ckpt = load_lm(tmp_path / "last.pt")
    assert ckpt["average_state"]["updates"] == ckpt["step"]
    for (name, a), b in zip(lm.model.state_dict().items(), loaded.model.state_dict().values(),
                            strict=True):
        assert torch.equal(a, b), name  # the returned and the reloaded model: the average
    raw = dict(ckpt["model_state"])
    assert any(not torch.equal(raw[k], v) for k, v in loaded.model.state_dict().items())
    assert loaded.perplexity(text[1200:]).ppl == lm.perplexity(text[1200:]).ppl


@pytest.mark.parametrize("decay", [0.0, 1.0, float("nan"), -0.5])
def test_bad_decay_is_a_config_error(decay: float) -> None:
    with pytest.raises(ConfigError, match="ema decay"):
        TrainConfig(ema_decay=decay)
    with pytest.raises(ConfigError, match="averaging decay"):
        WeightAverage(nn.Linear(1, 1), decay)


def test_load_averaged_puts_the_shadow_weights_in_and_says_when_there_are_none() -> None:
    torch.manual_seed(0)
    model = TinyLM()
    avg = WeightAverage(model, 0.9)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)
    avg.update(model)
    ckpt = {"average_state": avg.state_dict()}
    fresh = TinyLM()
    assert load_averaged(fresh, ckpt)
    for name, p in fresh.named_parameters():
        torch.testing.assert_close(p, avg.shadow[name], rtol=0, atol=0)
    assert not load_averaged(fresh, {"average_state": None}) and not load_averaged(fresh, {})
