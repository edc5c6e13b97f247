"""Settings of the neural forecasters and the hand-over to the shared loop ``seqlm.train``."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any

import torch
from torch import nn

from seqlm.errors import require_int
from seqlm.train import TrainResult, fit
from seqlm.train.config import TrainConfig, resolve_device


@dataclass
class NeuralSettings:
    """Training settings of AutoregressiveMLP and LatentRNNForecaster.

    ``clip`` is theta of the shared g <- min(1, theta/||g||) g; ``patience`` enables early
    stopping on the validation MSE (only when validation values are given to ``fit``);
    ``anneal_factor`` multiplies the rate after every epoch without improvement.
    """

    epochs: int = 10
    lr: float = 0.01
    batch_size: int = 32
    optimizer: str = "adam"
    clip: float | None = 1.0
    weight_decay: float = 0.0
    patience: int | None = None
    anneal_factor: float | None = None
    seed: int = 0
    device: str = "auto"
    progress: bool = False

    def __post_init__(self) -> None:
        require_int("batch_size", self.batch_size)
        self.train_config()  # validates the rest through seqlm.train's own checks

    def train_config(self) -> TrainConfig:
        return TrainConfig(epochs=self.epochs, optimizer=self.optimizer, lr=self.lr,
                           weight_decay=self.weight_decay, clip=self.clip,
                           early_stop_patience=self.patience, device=self.device,
                           anneal_factor=self.anneal_factor,
                           progress=self.progress)

    def torch_device(self) -> torch.device:
        return resolve_device(self.device)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> NeuralSettings:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


def train_net(net: nn.Module, task: Any, train: Iterable[Any], valid: Iterable[Any] | None,
              settings: NeuralSettings, out: str | os.PathLike[str] | None = None,
              resume: str | os.PathLike[str] | None = None) -> TrainResult:
    """Train ``net`` in place with the shared loop ``seqlm.train.fit``; returns its TrainResult.

    With validation batches the weights of the best validation epoch are kept (restored at the
    end). ``out``/``resume``: the loop's checkpoint folder and a checkpoint to resume from.
    """
    best: dict[str, Any] = {"loss": math.inf, "state": None}

    def keep_best(row: dict[str, Any]) -> None:
        loss = row.get("valid_loss", math.nan)
        if math.isfinite(loss) and loss < best["loss"]:
            best["loss"] = loss
            best["state"] = {k: v.detach().clone() for k, v in net.state_dict().items()}

    result = fit(net, task, train, valid, settings.train_config(), out=out, resume=resume,
                 on_epoch=keep_best if valid is not None else None)
    if best["state"] is not None:
        net.load_state_dict(best["state"])
    net.eval()
    return result
