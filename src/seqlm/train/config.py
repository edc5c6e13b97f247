"""Training settings as one plain dataclass (saved in checkpoints as a dict), and the device."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any

import torch

from seqlm.errors import ConfigError, require_int, require_number

OPTIMIZERS = ("sgd", "adam", "adamw")
PRECISIONS = ("fp32", "bf16")
CLOCKS = ("wall", "cpu")


def _finite(name: str, value: Any, strict: bool = False) -> None:
    """ConfigError unless ``value`` is a finite number >= 0 (> 0 when ``strict``)."""
    require_number(name, value, 0.0, strict=strict)


@dataclass
class TrainConfig:
    """Everything the loop needs besides model, task and data. Defaults: the book's SGD, lr 1.

    ``clip``: theta of g <- min(1, theta/||g||) g (None = no clipping).
    ``anneal_factor``: multiply the learning rate by this when the validation loss has not
    improved for ``anneal_patience`` epochs (None = constant rate).
    ``lr_decay``: multiply the learning rate by this after every epoch from ``lr_decay_start``
    on (Zaremba et al.'s fixed schedule: 0.5 from epoch 4); it can be combined with annealing.
    ``early_stop_patience``: stop after that many epochs without validation improvement.
    ``time_limit_s``: stop once this much training time has passed, mid-epoch if need be (a
    partial epoch: the model is evaluated and ``last.pt`` resumes the epoch) -- for demos and
    time-boxed benches. ``clock`` says what it counts: ``wall`` seconds, or ``cpu`` seconds of
    this process (``time.process_time``: what a loaded machine cannot shrink).
    ``precision``: ``bf16`` runs the training forward pass under bfloat16 autocast (parameters,
    gradients and optimiser stay float32; evaluation is always float32) -- several times the
    matmul throughput on CPUs with AVX-512 BF16 and on recent GPUs.
    ``ema_decay``: keep an exponential moving average of the weights with this decay (e.g.
    0.99: about the last 100 steps) and validate, keep ``best.pt`` and score with it
    (:class:`seqlm.train.average.WeightAverage`); None = the last iterate.
    """

    epochs: int = 10
    optimizer: str = "sgd"
    lr: float = 1.0
    weight_decay: float = 0.0
    momentum: float = 0.0
    clip: float | None = 1.0
    anneal_factor: float | None = None
    anneal_patience: int = 0
    min_lr: float = 0.0
    lr_decay: float | None = None
    lr_decay_start: int = 1
    early_stop_patience: int | None = None
    log_interval: int = 50
    device: str = "auto"
    progress: bool = True
    time_limit_s: float | None = None
    clock: str = "wall"
    precision: str = "fp32"
    ema_decay: float | None = None

    def __post_init__(self) -> None:
        require_int("epochs", self.epochs, 1)
        if self.optimizer not in OPTIMIZERS:
            raise ConfigError(f"unknown optimizer {self.optimizer!r}; use {', '.join(OPTIMIZERS)}")
        _finite("learning rate", self.lr, strict=True)
        _finite("weight decay", self.weight_decay)
        _finite("momentum", self.momentum)
        if self.clip is not None:
            _finite("clip threshold", self.clip, strict=True)
        if self.anneal_factor is not None:
            _finite("anneal factor", self.anneal_factor, strict=True)
            if self.anneal_factor >= 1:
                raise ConfigError(f"anneal factor must be < 1, got {self.anneal_factor}")
        require_int("anneal patience", self.anneal_patience, 0)
        _finite("min lr", self.min_lr)
        if self.lr_decay is not None:
            _finite("lr decay", self.lr_decay, strict=True)
            if self.lr_decay >= 1:
                raise ConfigError(f"lr decay must be < 1, got {self.lr_decay}")
        require_int("lr decay start", self.lr_decay_start, 1)
        if self.early_stop_patience is not None:
            require_int("early-stop patience", self.early_stop_patience, 1)
        require_int("log interval", self.log_interval, 1)
        resolve_device(self.device)
        if self.time_limit_s is not None:
            _finite("time limit", self.time_limit_s, strict=True)
        if self.clock not in CLOCKS:
            raise ConfigError(f"unknown clock {self.clock!r}; use {', '.join(CLOCKS)}")
        if self.precision not in PRECISIONS:
            raise ConfigError(f"unknown precision {self.precision!r}; use {', '.join(PRECISIONS)}")
        if self.ema_decay is not None:
            _finite("ema decay", self.ema_decay, strict=True)
            if self.ema_decay >= 1:
                raise ConfigError(f"ema decay must be < 1, got {self.ema_decay}")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for checkpoints and logs)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any], **overrides: Any) -> TrainConfig:
        """Rebuild from :meth:`to_dict` output; unknown keys are an error, overrides win."""
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ConfigError(f"unknown training settings: {', '.join(sorted(unknown))}")
        return cls(**{**d, **overrides})


def resolve_device(name: str | torch.device) -> torch.device:
    """``auto`` = CUDA when available else CPU; ``cuda`` without a GPU is a ConfigError."""
    if isinstance(name, torch.device):
        return name
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ConfigError("--device cuda was asked for but no CUDA GPU is available")
        return torch.device(name)
    raise ConfigError(f"unknown device {name!r}; use auto, cpu or cuda")


def make_optimizer(params: Iterable[torch.nn.Parameter], cfg: TrainConfig) -> torch.optim.Optimizer:
    """SGD (the book's, lr 1), Adam or AdamW with the configured rate and weight decay."""
    if cfg.optimizer == "sgd":
        return torch.optim.SGD(params, lr=cfg.lr, momentum=cfg.momentum,
                               weight_decay=cfg.weight_decay)
    if cfg.optimizer == "adam":
        return torch.optim.Adam(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
    return torch.optim.AdamW(params, lr=cfg.lr, weight_decay=cfg.weight_decay)
