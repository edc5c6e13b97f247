"""Train a translation model with the one training loop (clipping, checkpoints, exact resume).

The task is :class:`seqlm.train.LanguageModelTask` with ``ignore_index = <pad>``: a translation
model is a language model of the target conditioned on the source, scored only on real target
tokens (``<eos>`` included). Checkpoints carry both vocabularies (``vocab``), the model config
(``model_config``), the training config and, in ``extra``, the data settings and batching, so
``resume`` rebuilds everything from ``out/last.pt``.

``cpu_limit_s`` budgets *process CPU time* (what "N CPU minutes" means on a shared machine, where
wall time depends on other people's load): after each epoch the run stops if one more epoch of
the mean cost so far would pass the budget. ``TrainConfig.time_limit_s`` is the wall-clock limit.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch

from seqlm.apps.translate.batches import PairBatches
from seqlm.apps.translate.data import DataConfig, Vocabs
from seqlm.apps.translate.model import Seq2Seq, Seq2SeqConfig
from seqlm.errors import ConfigError, require_int
from seqlm.registry import config_to_dict, make_config
from seqlm.train import CheckpointError, LanguageModelTask, TrainConfig, Trainer, TrainResult
from seqlm.train.checkpoint import load_checkpoint

APP = "translate"


@dataclass
class RunConfig:
    """Everything a training run needs besides the training-loop settings (checkpointed)."""

    data: DataConfig = field(default_factory=DataConfig)
    model: Seq2SeqConfig = field(default_factory=Seq2SeqConfig)
    batch_size: int = 64
    bucket: int = 50
    seed: int = 0
    cpu_limit_s: float | None = None
    label_smoothing: float = 0.0  # training loss only; validation and BLEU see the plain model

    def __post_init__(self) -> None:
        for name in ("batch_size", "bucket"):
            require_int(name, getattr(self, name))
        if not 0.0 <= self.label_smoothing < 1.0:
            raise ConfigError(f"label smoothing must be in [0, 1), got {self.label_smoothing!r}")
        if self.cpu_limit_s is not None and not self.cpu_limit_s > 0:
            raise ConfigError(f"CPU limit must be > 0 seconds, got {self.cpu_limit_s!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain data, tagged with the app's name (the checkpoint's ``extra``)."""
        return {"app": APP, **config_to_dict(self)}

    @classmethod
    def from_dict(cls, d: Any) -> RunConfig:
        """Rebuild from :meth:`to_dict` (a checkpoint's ``extra``), typed and checked."""
        if not isinstance(d, dict) or d.get("app") != APP:
            raise CheckpointError("not a checkpoint of 'seqlm translate train'")
        return make_config(cls, {k: v for k, v in d.items() if k != "app"})


def _encoded(cfg: DataConfig, vocabs: Vocabs, which: str) -> tuple[list[Any], list[Any]]:
    pairs = cfg.part(which)
    return ([vocabs.encode_source(cfg.tokens("src", s)) for s, _ in pairs],
            [vocabs.encode_target(cfg.tokens("tgt", t)) for _, t in pairs])


def make_trainer(run: RunConfig, train: TrainConfig, out: str | os.PathLike[str] | None,
                 on_epoch: Callable[[dict[str, Any]], None] | None = None
                 ) -> tuple[Trainer, Vocabs]:
    """Read the data, build vocabularies, batches and the model, and the Trainer over them."""
    vocabs = Vocabs.build(run.data, run.data.part("train"))
    src, tgt = _encoded(run.data, vocabs, "train")
    vsrc, vtgt = _encoded(run.data, vocabs, "valid")
    pad = vocabs.pad
    batches = PairBatches(src, tgt, run.batch_size, pad, seed=run.seed, bucket=run.bucket)
    valid = PairBatches(vsrc, vtgt, max(run.batch_size, 128), pad, shuffle=False)
    run.model = replace(run.model, src_vocab=len(vocabs.src), tgt_vocab=len(vocabs.tgt))
    torch.manual_seed(run.seed)  # the initial weights depend on the seed alone
    model = Seq2Seq(run.model)
    task = LanguageModelTask(ignore_index=pad, label_smoothing=run.label_smoothing)
    trainer = Trainer(model, task, batches, valid, train,
                      out=out, vocab=vocabs.to_dict(), extra=run.to_dict())
    trainer.on_epoch = _budget(trainer, run.cpu_limit_s, on_epoch)
    return trainer, vocabs


def _budget(trainer: Trainer, limit: float | None,
            then: Callable[[dict[str, Any]], None] | None) -> Callable[[dict[str, Any]], None]:
    """An epoch hook that ends the run before an epoch that would pass the CPU budget."""
    start, first = time.process_time(), trainer.epoch

    def hook(row: dict[str, Any]) -> None:
        used = time.process_time() - start
        row["cpu_s"] = used
        if limit is not None:
            per_epoch = used / max(trainer.epoch - first, 1)
            if used + per_epoch > limit:
                trainer.cfg.epochs = trainer.epoch  # the loop ends here, checkpoints written
                trainer.stopped_by_cpu = True  # type: ignore[attr-defined]
        if then is not None:
            then(row)

    return hook


def train_translation(run: RunConfig, train: TrainConfig, out: str | os.PathLike[str] | None,
                      on_epoch: Callable[[dict[str, Any]], None] | None = None
                      ) -> tuple[Seq2Seq, Vocabs, TrainResult]:
    """Train from scratch; returns the model (last weights), vocabularies and the result."""
    trainer, vocabs = make_trainer(run, train, out, on_epoch)
    result = trainer.fit()
    if getattr(trainer, "stopped_by_cpu", False):
        result.stopped = "cpu_limit"
    return trainer.model, vocabs, result  # type: ignore[return-value]


def resume_translation(out: str | os.PathLike[str], epochs: int | None = None,
                       on_epoch: Callable[[dict[str, Any]], None] | None = None,
                       **overrides: Any) -> tuple[Seq2Seq, Vocabs, TrainResult]:
    """Continue ``out/last.pt`` exactly: every setting from the checkpoint (``overrides`` may
    change how long and where: epochs, device, progress, time_limit_s)."""
    path = Path(out) / "last.pt"
    ckpt = load_checkpoint(path)
    run = RunConfig.from_dict(ckpt.get("extra"))
    train = TrainConfig.from_dict(ckpt["train_config"], **overrides,
                                  **({"epochs": epochs} if epochs else {}))
    trainer, vocabs = make_trainer(run, train, out, on_epoch)
    result = trainer.fit(resume=path)
    if getattr(trainer, "stopped_by_cpu", False):
        result.stopped = "cpu_limit"
    return trainer.model, vocabs, result  # type: ignore[return-value]
