"""The training loop: state handling per batching strategy, perplexity, logs, stopping rules."""

from __future__ import annotations

import csv
import math
from typing import Any, ClassVar

import pytest
import torch
from torch import nn

from seqlm.data import SeqDataLoader
from seqlm.errors import ConfigError
from seqlm.train import (
    LanguageModelTask,
    RegressionTask,
    StepOutput,
    StreamBatches,
    TrainConfig,
    Trainer,
    evaluate,
    fit,
)
from tests.train.tiny import TinyLM, corpus

QUIET = {"progress": False}


class SpyLM(TinyLM):
    """Records, for every forward call in training mode, what state it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[bool, bool]] = []  # (state given, state has a graph)

    def forward(self, X: torch.Tensor, state: torch.Tensor | None = None):
        if self.training:
            self.seen.append((state is not None, state is not None and state.grad_fn is not None))
        return super().forward(X, state)


@pytest.mark.parametrize("strategy", ["sequential", "random"])
def test_state_carried_detached_or_reset(strategy: str) -> None:
    torch.manual_seed(0)
    model = SpyLM()
    loader = SeqDataLoader(corpus(), 4, 5, strategy=strategy, seed=0)
    fit(model, LanguageModelTask(), loader, config=TrainConfig(epochs=2, lr=0.1, **QUIET))
    n = len(model.seen) // 2
    for epoch in (model.seen[:n], model.seen[n:]):
        assert epoch[0] == (False, False)  # every epoch starts fresh
        if strategy == "sequential":  # truncated BPTT: carried, but with its graph cut
            assert all(s == (True, False) for s in epoch[1:])
        else:
            assert all(s == (False, False) for s in epoch)


def test_stream_eval_is_exact_stream_nll() -> None:
    torch.manual_seed(1)
    model = TinyLM().double()
    ids = corpus(103)
    mean, count = evaluate(model, LanguageModelTask(), StreamBatches(ids, 1, 7))
    with torch.no_grad():  # one forward pass over the whole stream, by hand
        logits, _ = model(torch.tensor([ids[:-1]]))
        logp = torch.log_softmax(logits[0], -1)
        nll = -logp[torch.arange(len(ids) - 1), torch.tensor(ids[1:])].mean()
    assert count == len(ids) - 1
    assert mean == pytest.approx(float(nll), rel=1e-12)
    assert LanguageModelTask().metric(mean) == pytest.approx(math.exp(float(nll)), rel=1e-12)


def test_learns_and_writes_logs(tmp_path) -> None:
    torch.manual_seed(0)
    ids = corpus(1200)
    train = SeqDataLoader(ids[:1000], 8, 10, strategy="sequential", seed=0)
    valid = StreamBatches(ids[1000:], 2, 10)
    cfg = TrainConfig(epochs=4, optimizer="adam", lr=0.02, clip=0.5, log_interval=3, **QUIET)
    res = fit(TinyLM(), LanguageModelTask(), train, valid, cfg, out=tmp_path)
    first, last = res.history[0], res.history[-1]
    assert last["valid_ppl"] < first["valid_ppl"] < 7.0  # below the uniform model's 7
    assert last["train_ppl"] == pytest.approx(math.exp(last["train_loss"]))
    assert res.stopped == "completed" and len(res.history) == 4
    assert all(0.0 <= r["clipped_frac"] <= 1.0 for r in res.intervals)
    assert all(r["grad_norm_max"] >= r["grad_norm_mean"] > 0 for r in res.intervals)
    with open(tmp_path / "epochs.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3, 4]
    assert float(rows[-1]["valid_ppl"]) == pytest.approx(last["valid_ppl"])
    for name in ("last.pt", "best.pt", "intervals.csv", "ppl.png", "grad_norm.png"):
        assert (tmp_path / name).stat().st_size > 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_bf16_training_learns_with_float32_weights_and_evaluation() -> None:
    """bf16 autocast changes the training arithmetic only: parameters and gradients stay
    float32, the model learns, and the reported validation loss is the float32 evaluation."""
    from seqlm.rnn import RNNScratch

    torch.manual_seed(0)
    ids = corpus(1200)
    train = SeqDataLoader(ids[:1000], 8, 10, strategy="sequential", seed=0)
    valid = StreamBatches(ids[1000:], 2, 10)
    model = RNNScratch(16, vocab_size=7, embed_size=16, tie_weights=True, weight_drop=0.1)
    cfg = TrainConfig(epochs=3, optimizer="adam", lr=0.02, precision="bf16", **QUIET)
    seen: list[torch.dtype] = []
    model.register_forward_hook(lambda m, i, o: seen.append(o[1].dtype) if m.training else None)
    trainer = Trainer(model, LanguageModelTask(), train, valid, cfg)
    res = trainer.fit()
    assert set(seen) == {torch.bfloat16}  # H_t = tanh(... H_{t-1} W_hh ...) really ran in bf16
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert res.history[-1]["valid_ppl"] < res.history[0]["valid_ppl"] < 7.0
    mean, _ = evaluate(model, LanguageModelTask(), valid)
    assert res.history[-1]["valid_loss"] == pytest.approx(mean, rel=1e-12)


@pytest.mark.parametrize("clip,expect", [(1e-6, 1.0), (None, 0.0), (1e9, 0.0)])
def test_clipped_fraction(clip: float | None, expect: float) -> None:
    torch.manual_seed(0)
    loader = SeqDataLoader(corpus(), 4, 5, strategy="random", seed=0)
    cfg = TrainConfig(epochs=1, lr=0.1, clip=clip, log_interval=4, **QUIET)
    res = fit(TinyLM(), LanguageModelTask(), loader, config=cfg)
    assert res.history[0]["clipped_frac"] == expect
    assert all(r["clipped_frac"] == expect for r in res.intervals)


class ScriptedTask:
    """Trains with a real loss; validation returns scripted losses (to test plateau rules)."""

    metric_name = "ppl"

    def __init__(self, valid_losses: list[float]) -> None:
        self.valid = iter(valid_losses)

    def step(self, model: nn.Module, batch: Any, state: Any) -> StepOutput:
        if model.training:
            return LanguageModelTask().step(model, batch, state)
        return StepOutput(torch.tensor(next(self.valid)), 1, None)

    def metric(self, mean_loss: float) -> float:
        return math.exp(mean_loss)


def test_anneal_on_plateau_and_early_stop() -> None:
    torch.manual_seed(0)
    train = SeqDataLoader(corpus(), 4, 5, seed=0)
    task = ScriptedTask([1.0, 0.9, 0.95, 0.96, 0.97, 0.5])
    cfg = TrainConfig(epochs=6, lr=0.1, anneal_factor=0.5, anneal_patience=0,
                      early_stop_patience=3, **QUIET)
    res = fit(TinyLM(), task, train, [None], cfg)  # one validation batch per epoch
    assert [r["lr"] for r in res.history] == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.025])
    assert res.stopped == "early_stop" and len(res.history) == 5


def test_fixed_lr_decay_schedule() -> None:
    """Zaremba et al.'s schedule: constant for lr_decay_start epochs, then lr <- 0.5 lr."""
    torch.manual_seed(0)
    train = SeqDataLoader(corpus(), 4, 5, seed=0)
    task = ScriptedTask([1.0, 0.9, 0.8, 0.7, 0.6])
    cfg = TrainConfig(epochs=5, lr=1.0, lr_decay=0.5, lr_decay_start=2, min_lr=0.2, **QUIET)
    res = fit(TinyLM(), task, train, [None], cfg)
    assert [r["lr"] for r in res.history] == pytest.approx([1.0, 1.0, 0.5, 0.25, 0.2])


def test_time_limit_still_evaluates() -> None:
    torch.manual_seed(0)
    train = SeqDataLoader(corpus(3000), 4, 5, seed=0)
    cfg = TrainConfig(epochs=50, lr=0.1, time_limit_s=1e-9, **QUIET)
    res = fit(TinyLM(), LanguageModelTask(), train, StreamBatches(corpus(50), 1, 5), cfg)
    assert res.stopped == "time_limit"
    assert res.history == [] and res.final["batches_done"] == 1  # mid-epoch: not an epoch
    assert math.isfinite(res.final["valid_ppl"])


class MLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.net(X)


def test_regression_task_with_stateless_model() -> None:
    torch.manual_seed(0)
    t = torch.arange(300, dtype=torch.float32)
    x = torch.sin(0.1 * t)
    X = torch.stack([x[i : i + 4] for i in range(290)])
    Y = x[4:294]
    batches = [(X[i : i + 10], Y[i : i + 10]) for i in range(0, 290, 10)]
    res = fit(MLP(), RegressionTask(), batches, batches[-5:],
              TrainConfig(epochs=5, optimizer="adam", lr=0.01, **QUIET))
    assert res.history[-1]["valid_mse"] < res.history[0]["valid_mse"]
    assert res.history[-1]["valid_mse"] == res.history[-1]["valid_loss"]
    model = MLP()
    mean, n = evaluate(model, RegressionTask(), batches[:2])
    with torch.no_grad():
        ref = torch.cat([(model(b[0]).squeeze(-1) - b[1]) ** 2 for b in batches[:2]]).mean()
    assert n == 20 and mean == pytest.approx(float(ref), rel=1e-6)


@pytest.mark.parametrize("kwargs", [
    {"lr": math.nan}, {"lr": 0.0}, {"lr": -1.0}, {"lr": math.inf}, {"optimizer": "rmsprop"},
    {"epochs": 0}, {"clip": 0.0}, {"clip": math.nan}, {"anneal_factor": 1.5},
    {"lr_decay": 1.0}, {"lr_decay": math.nan}, {"lr_decay_start": 0}, {"device": "tpu"},
    {"log_interval": 0}, {"precision": "fp16"},
])
def test_bad_settings_are_config_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        TrainConfig(**kwargs)


def test_cuda_without_gpu_is_config_error() -> None:
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ConfigError, match="no CUDA"):
        TrainConfig(device="cuda")


def test_sequence_length_zero_is_config_error() -> None:
    with pytest.raises(ConfigError):
        StreamBatches(corpus(), 1, 0)
    with pytest.raises(ConfigError):
        SeqDataLoader(corpus(), 4, 0)


def test_trainer_exposes_optimizers() -> None:
    for name, cls in (("sgd", torch.optim.SGD), ("adam", torch.optim.Adam),
                      ("adamw", torch.optim.AdamW)):
        tr = Trainer(TinyLM(), LanguageModelTask(), [], config=TrainConfig(optimizer=name,
                                                                          lr=0.3, **QUIET))
        assert type(tr.optimizer) is cls and tr.lr == 0.3


def test_ignored_targets_are_neither_counted_nor_scored() -> None:
    torch.manual_seed(2)
    model = TinyLM().double()
    X = torch.tensor([[1, 2, 3, 0, 4]])
    Y = torch.tensor([[2, 3, 0, 4, 5]])  # token 0 plays <s>: context only
    out = LanguageModelTask(ignore_index=0).step(model, (X, Y), None)
    logp = torch.log_softmax(model(X)[0][0], -1).detach()
    keep = [i for i in range(5) if Y[0, i] != 0]
    assert out.count == 4
    want = -float(sum(logp[i, Y[0, i]] for i in keep))
    assert float(out.loss_sum.detach()) == pytest.approx(want, rel=1e-12)


def test_label_smoothing_trains_on_the_mixed_target_and_evaluates_the_plain_nll() -> None:
    """loss = sum over kept positions of -(1 - eps) log p_y - eps * mean_v log p_v, in training
    mode only; in eval mode the same task gives the plain NLL."""
    torch.manual_seed(3)
    model = TinyLM().double()
    X = torch.tensor([[1, 2, 3, 0, 4]])
    Y = torch.tensor([[2, 3, 0, 4, 5]])
    eps, task = 0.1, LanguageModelTask(ignore_index=0, label_smoothing=0.1)
    logp = torch.log_softmax(model(X)[0][0], -1).detach()
    keep = [i for i in range(5) if Y[0, i] != 0]
    nll = -sum(float(logp[i, Y[0, i]]) for i in keep)
    smooth = sum(-(1 - eps) * float(logp[i, Y[0, i]]) - eps * float(logp[i].mean()) for i in keep)
    model.train()
    trained = task.step(model, (X, Y), None).loss_sum.detach()
    assert float(trained) == pytest.approx(smooth, rel=1e-12)
    model.eval()
    assert float(task.step(model, (X, Y), None).loss_sum.detach()) == pytest.approx(nll, rel=1e-12)
    with pytest.raises(ConfigError, match="label smoothing"):
        LanguageModelTask(label_smoothing=1.0)


class FakeSummaryWriter:
    """Stands in for torch.utils.tensorboard.SummaryWriter (TensorBoard is not a dependency)."""

    made: ClassVar[list[FakeSummaryWriter]] = []

    def __init__(self, log_dir: str) -> None:
        self.log_dir, self.scalars, self.closed = log_dir, [], False
        FakeSummaryWriter.made.append(self)

    def add_scalar(self, tag: str, value: float, step: int) -> None:
        self.scalars.append((tag, value, step))

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def test_tensorboard_mirrors_the_csv_logs_when_installed(tmp_path, monkeypatch) -> None:
    import sys
    import types

    fake = types.ModuleType("torch.utils.tensorboard")
    fake.SummaryWriter = FakeSummaryWriter  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", fake)
    FakeSummaryWriter.made.clear()
    torch.manual_seed(0)
    cfg = TrainConfig(epochs=2, lr=0.5, log_interval=10, **QUIET)
    res = fit(TinyLM(), LanguageModelTask(), SeqDataLoader(corpus(), 4, 5, seed=0),
              StreamBatches(corpus(60), 1, 5), cfg, out=tmp_path)
    (w,) = FakeSummaryWriter.made
    assert w.log_dir == str(tmp_path / "tensorboard") and w.closed
    valid = [(v, step) for tag, v, step in w.scalars if tag == "epoch/valid_ppl"]
    assert valid == [(row["valid_ppl"], row["epoch"]) for row in res.history]
    steps = [step for tag, _, step in w.scalars if tag == "interval/grad_norm_mean"]
    assert steps == [row["step"] for row in res.intervals] and len(steps) >= 2


def test_no_tensorboard_no_event_files(tmp_path, monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)  # import fails
    cfg = TrainConfig(epochs=1, lr=0.5, **QUIET)
    fit(TinyLM(), LanguageModelTask(), SeqDataLoader(corpus(), 4, 5, seed=0), None, cfg,
        out=tmp_path)
    assert (tmp_path / "epochs.csv").exists() and not (tmp_path / "tensorboard").exists()
