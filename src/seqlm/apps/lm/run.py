"""A whole language-model training run from one typed config: ``seqlm rnn train``'s library call.

:class:`LMRunConfig` holds every setting of a run (data, model, batching, training,
distillation); the checkpoint stores it as a plain dict under ``"run"``, and
:func:`resume_config` rebuilds it, so ``--resume`` continues exactly the run that was started.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import torch

from seqlm.apps.lm.data import LMData, lm_data, read_texts
from seqlm.apps.lm.teacher import Distillation
from seqlm.apps.lm.train import checkpoint_path, train_lm
from seqlm.errors import require_int
from seqlm.registry import config_to_dict, make_config
from seqlm.rnn import RNNLM, RNNConfig, build_model
from seqlm.train.checkpoint import load_checkpoint
from seqlm.train.config import TrainConfig
from seqlm.train.errors import CheckpointError
from seqlm.train.trainer import TrainResult


@dataclass(frozen=True)
class LMRunConfig:
    """Every setting of one run. ``model`` is a registered model kind (``seqlm.rnn.KINDS``);
    ``cell`` its settings without the vocabulary size (filled in from the data)."""

    data: str
    split: str | None = None
    valid_split: str | None = None
    valid_frac: float = 0.1
    level: Literal["char", "word"] = "char"
    preset: str = "raw"
    min_freq: int = 1
    seed: int = 0
    batch_size: int = 32
    num_steps: int = 35
    batching: Literal["sequential", "random"] = "sequential"
    model: str = "lstm"
    cell: RNNConfig = field(default_factory=RNNConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    distill: Distillation | None = None

    def __post_init__(self) -> None:
        require_int("min_freq", self.min_freq)
        require_int("seed", self.seed, low=0)
        with torch.random.fork_rng(devices=[]):  # check kind and settings now, not after
            build_model(self.model_config(2))    # reading the data (the RNG left untouched)

    def model_config(self, vocab_size: int) -> dict[str, Any]:
        """The model's config for a vocabulary of ``vocab_size`` tokens."""
        return {"kind": self.model, **replace(self.cell, vocab_size=vocab_size).to_dict()}

    def to_dict(self) -> dict[str, Any]:
        return config_to_dict(self)


def describe(run: LMRunConfig, data: LMData) -> list[str]:
    """What is about to be trained, for the log."""
    n_valid = 0 if data.valid_ids is None else len(data.valid_ids)
    tc = run.train
    lines = [f"{run.level} level: {len(data.vocab)} tokens in the vocabulary, "
             f"{len(data.train_ids):,} training and {n_valid:,} validation "
             f"tokens; model {run.model}, {tc.optimizer} lr {tc.lr:g}, clip {tc.clip or 'off'}"]
    if run.distill is not None:
        d = run.distill
        lines.append(f"distilling from a cross-fitted order-{d.order} n-gram ({d.folds} folds): "
                     f"teacher weight {d.alpha:g}, x{d.decay:g} per epoch")
    return lines


def train_run(run: LMRunConfig, out: str | os.PathLike[str], resume: bool = False,
              on_epoch: Callable[[dict[str, Any]], None] | None = None,
              log: Callable[[str], None] | None = None) -> tuple[RNNLM, TrainResult]:
    """Read the data, build the model, train (from ``out/last.pt`` with ``resume``), checkpoint
    into ``out``; returns the trained RNNLM and the TrainResult."""
    train_text, valid_text = read_texts(run.data, run.split, run.valid_split, run.valid_frac,
                                        run.preset)
    data = lm_data(train_text, valid_text, run.level, run.min_freq)
    for line in describe(run, data):
        (log or (lambda _: None))(line)
    return train_lm(run.model_config(len(data.vocab)), data, run.train,
                    resume=checkpoint_path(out) if resume else None,
                    batch_size=run.batch_size, num_steps=run.num_steps, batching=run.batching,
                    seed=run.seed, out=out, extra={"preset": run.preset}, distill=run.distill,
                    run=run.to_dict(), on_epoch=on_epoch)


def resume_config(out: str | os.PathLike[str], **train_overrides: Any) -> LMRunConfig:
    """The run config stored in ``out/last.pt``; ``train_overrides`` (epochs, device,
    progress...) replace training settings."""
    path: Path = checkpoint_path(out)
    ckpt = load_checkpoint(path)
    saved = ckpt.get("run")
    if not isinstance(saved, dict):
        old = "cli" in (ckpt.get("extra") or {})
        raise CheckpointError(
            f"{path} was written by an older seqlm that did not store its run config; start a "
            "new run (eval, generate and score still read it)" if old else
            f"{path} was not written by 'seqlm rnn train'")
    train = {**(saved.get("train") or {}), **train_overrides}
    return make_config(LMRunConfig, {**saved, "train": train})
