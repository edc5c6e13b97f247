"""Plan A with a neural network: x_t = MLP(x_{t-tau}, ..., x_{t-1}), trained by seqlm.train."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from seqlm.apps.forecast.settings import NeuralSettings, train_net
from seqlm.errors import ConfigError, DataError, require_int
from seqlm.series.data import as_values
from seqlm.series.models.base import MarkovForecaster
from seqlm.series.models.batches import WindowBatches
from seqlm.series.models.linear_ar import LinearAR
from seqlm.series.models.nets import MarkovMLP
from seqlm.series.models.registry import register
from seqlm.series.scaling import Scaler
from seqlm.series.windows import check_tau, make_direct_windows, make_windows
from seqlm.train.tasks import RegressionTask


@dataclass
class MLPTraining(NeuralSettings):
    """The MLP's training defaults (the book's: Adam at lr 0.01, batch 16, 10 epochs)."""

    epochs: int = 10
    lr: float = 0.01
    batch_size: int = 16


@dataclass
class MLPConfig:
    """Window ``tau`` (or "aic"), hidden sizes, normalisation and the training settings."""

    tau: int | str = 4
    hidden: tuple[int, ...] = (10,)
    window_norm: bool = False
    linear_skip: bool = False
    max_lags: int = 20
    steps: int = 1
    training: MLPTraining = field(default_factory=MLPTraining)


@register("mlp", config=MLPConfig)
class AutoregressiveMLP(MarkovForecaster):
    """The book's Markov model: an MLP on the last ``tau`` (standardised) values.

    Defaults are the book's 4-10-1 net, Adam at lr 0.01, batch 16, with a few more epochs;
    with ``y_valid`` training stops early on the validation MSE. ``tau="aic"`` takes the lag
    order AIC picks for a linear AR (1..max_lags) on the training values; ``window_norm``
    normalises each window by its own mean and spread (RevIN-style) instead of globally.
    ``steps`` > 1 is the direct strategy: a multi-output head predicts steps 1..steps from each
    window (each output trained on its own target, so no error is fed back within a block);
    longer horizons continue block by block.
    """

    def __init__(self, tau: int | str = 4, hidden: Sequence[int] = (10,),
                 settings: NeuralSettings | None = None, linear_skip: bool = False,
                 window_norm: bool = False, max_lags: int = 20, steps: int = 1,
                 **kwargs: Any) -> None:
        require_int("steps", steps)
        if steps < 1:
            raise ConfigError(f"steps must be >= 1, got {steps}")
        self.steps = self.block = steps  # block: the base class's values per window
        self.select = tau == "aic"
        self.tau = 1 if self.select else check_tau(tau)  # type: ignore[arg-type]
        self.window_norm, self.max_lags = bool(window_norm), max_lags
        for h in hidden:
            require_int("a hidden size", h)
        self.hidden = tuple(hidden)
        self.linear_skip = bool(linear_skip)
        self.settings = settings or NeuralSettings(**{"epochs": 10, "lr": 0.01,
                                                      "batch_size": 16, **kwargs})
        self.net: MarkovMLP | None = None
        self.scaler: Scaler | None = None
        self.history: Any = None
        self.name = f"mlp({self.tau}-{'-'.join(map(str, self.hidden))}-{steps}" + (
            "+linear" if self.linear_skip else "") + (" direct)" if steps > 1 else ")")

    @classmethod
    def from_config(cls, config: MLPConfig) -> AutoregressiveMLP:
        return cls(config.tau, config.hidden, config.training, config.linear_skip,
                   config.window_norm, config.max_lags, config.steps)

    @classmethod
    def from_options(cls, opts: dict[str, Any]) -> AutoregressiveMLP:
        """From ``seqlm series fit``'s options: tau, mlp_hidden, window_norm, max_lags and the
        training settings (an option left None takes this model's default); strategy "direct"
        is a head of ``horizon`` outputs."""
        given = {k: v for k, v in opts.items() if v is not None}
        steps = int(given.get("horizon") or 12) if given.get("strategy") == "direct" else 1
        return cls(given.get("tau", 4), given.get("mlp_hidden", (10,)),
                   MLPTraining.from_dict(given), window_norm=bool(given.get("window_norm")),
                   max_lags=given.get("max_lags") or 20, steps=steps)

    @property
    def config(self) -> MLPConfig:
        return MLPConfig("aic" if self.select else self.tau, self.hidden, self.window_norm,
                         self.linear_skip, self.max_lags, self.steps,
                         MLPTraining(**asdict(self.settings)))

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None, *,
            out: str | Path | None = None, resume: str | Path | None = None) -> AutoregressiveMLP:
        """Train with seqlm.train; ``out`` keeps its checkpoints, ``resume`` continues one."""
        y = as_values(y_train, "y_train")
        if self.select:
            self.tau = LinearAR("aic", self.max_lags).fit(y).tau
            self.name = self.name.replace("mlp(1-", f"mlp({self.tau}-", 1)
        feats, labels = self._windows(y)
        self.scaler = Scaler.fit(y)
        s = self.settings
        torch.manual_seed(s.seed)
        self.net = MarkovMLP(self.tau, self.hidden, self.linear_skip, self.steps)
        device = s.torch_device()
        train = WindowBatches(*self._scaled(feats, labels), s.batch_size, s.seed, device=device)
        valid = None
        if y_valid is not None and len(y_valid):
            full = np.concatenate([y, as_values(y_valid, "y_valid")])
            if len(y_valid) < self.steps:
                raise DataError(f"the validation part has {len(y_valid)} values, fewer than "
                                f"the {self.steps} steps of the direct head")
            vf, vl = self._windows(full)
            keep = slice(len(y) - self.tau, None)  # first label a validation value
            valid = WindowBatches(*self._scaled(vf[keep], vl[keep]), 1024, s.seed,
                                  shuffle=False, device=device)
        self.history = train_net(self.net, RegressionTask(), train, valid, s, out, resume)
        return self

    def _windows(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Training windows and their next value (or next ``steps`` values)."""
        if self.steps == 1:
            return make_windows(y, self.tau)
        return make_direct_windows(y, self.tau, self.steps)

    def _norm(self, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-window (RevIN-style) or global centre and scale of each window."""
        scaler = self._ready()[1]
        if not self.window_norm:
            n = len(windows)
            return np.full(n, scaler.mean), np.full(n, scaler.std)
        s = np.sqrt(windows.var(axis=1) + 0.01 * scaler.std**2)
        return windows.mean(axis=1), s

    def _scaled(self, feats: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mu, s = self._norm(feats)
        if labels.ndim == 2:
            return (feats - mu[:, None]) / s[:, None], (labels - mu[:, None]) / s[:, None]
        return (feats - mu[:, None]) / s[:, None], (labels - mu) / s

    def _ready(self) -> tuple[MarkovMLP, Scaler]:
        if self.net is None or self.scaler is None:
            raise ConfigError(f"{self.name} is not fitted; call fit first")
        return self.net, self.scaler

    def predict_block(self, windows: np.ndarray) -> np.ndarray:
        """(m, steps) forecasts of the next ``steps`` values from each row of ``windows`` (the
        base class continues block by block past ``steps``)."""
        net, _ = self._ready()
        dev = next(net.parameters()).device
        mu, s = self._norm(windows)
        with torch.no_grad():
            z = torch.as_tensor((windows - mu[:, None]) / s[:, None], dtype=torch.float32,
                                device=dev)
            out = net.eval()(z).double().cpu().numpy().reshape(len(windows), self.steps)
        return out * s[:, None] + mu[:, None]

    def predict_windows(self, windows: np.ndarray) -> np.ndarray:
        return self.predict_block(windows)[:, 0]

    def meta(self) -> dict[str, Any]:
        _, scaler = self._ready()
        return {"kind": "mlp", "tau": self.tau, "hidden": list(self.hidden),
                "linear_skip": self.linear_skip, "window_norm": self.window_norm,
                "steps": self.steps,
                "scaler": scaler.to_dict(), "settings": self.settings.to_dict()}

    def state_dict(self) -> dict[str, torch.Tensor]:
        net, _ = self._ready()
        return {k: v.detach().cpu() for k, v in net.state_dict().items()}

    @classmethod
    def restore(cls, meta: dict[str, Any], state: dict[str, torch.Tensor]) -> AutoregressiveMLP:
        m = cls(int(meta["tau"]), [int(h) for h in meta["hidden"]],
                NeuralSettings.from_dict(meta["settings"]), bool(meta.get("linear_skip")),
                bool(meta.get("window_norm")), steps=int(meta.get("steps", 1)))
        m.scaler = Scaler(**meta["scaler"])
        m.net = MarkovMLP(m.tau, m.hidden, m.linear_skip, m.steps)
        m.net.load_state_dict(state)
        return m
