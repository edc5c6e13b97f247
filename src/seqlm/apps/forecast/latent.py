"""Plan B: a latent state h_t = f(x_{t-1}, h_{t-1}) summarises the past; x_t is read off h_t.

Trained on random sub-sequences of the (standardised) training part through seqlm.train with
gradient clipping. A forecast from origin o first reads the ``context`` observed values before o
from a zero state, exactly as in training (a state run over far longer spans than it was trained
on drifts), then feeds its own predictions back.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from seqlm.apps.forecast.settings import NeuralSettings, train_net
from seqlm.apps.forecast.tasks import BurnInRegressionTask
from seqlm.errors import ConfigError, DataError, require_int
from seqlm.series.data import as_values
from seqlm.series.models.base import Forecaster
from seqlm.series.models.batches import SequenceBatches, validation_windows
from seqlm.series.models.nets import LatentRNN
from seqlm.series.models.registry import register
from seqlm.series.scaling import Scaler


@dataclass
class LatentTraining(NeuralSettings):
    """The latent model's training defaults (the CLI's: big batches, ~2.5 s CPU on 1,000
    values)."""

    epochs: int = 30
    lr: float = 0.02
    batch_size: int = 128


@dataclass
class LatentConfig:
    """State size, cell, layers, training sequence length / burn-in / context, training."""

    hidden: int = 16
    cell: str = "gru"
    num_layers: int = 1
    seq_len: int = 64
    burn_in: int = 16
    context: int | None = None
    training: LatentTraining = field(default_factory=LatentTraining)


@register("latent", config=LatentConfig)
class LatentRNNForecaster(Forecaster):
    """RNN/GRU/LSTM forecaster: ``hidden`` units, ``num_layers`` layers, trained on ``seq_len``."""

    def __init__(self, hidden: int = 16, cell: str = "gru", num_layers: int = 1,
                 seq_len: int = 64, burn_in: int = 16, context: int | None = None,
                 settings: NeuralSettings | None = None, **kwargs: Any) -> None:
        for what, v in (("hidden", hidden), ("num_layers", num_layers), ("seq_len", seq_len)):
            require_int(what, v)
        if not 0 <= burn_in < seq_len:
            raise ConfigError(f"burn_in must be in [0, seq_len), got {burn_in}")
        LatentRNN(hidden, cell, num_layers)  # validates the cell name
        self.hidden, self.cell, self.num_layers = hidden, cell, num_layers
        self.seq_len, self.burn_in = seq_len, burn_in
        self.context = seq_len if context is None else context
        require_int("context", self.context)
        self.settings = settings or NeuralSettings(**{"epochs": 30, "lr": 0.01,
                                                      "batch_size": 32, **kwargs})
        self.net: LatentRNN | None = None
        self.scaler: Scaler | None = None
        self.history: Any = None
        self.name = f"latent-{cell}({hidden})"

    @classmethod
    def from_config(cls, config: LatentConfig) -> LatentRNNForecaster:
        return cls(config.hidden, config.cell, config.num_layers, config.seq_len, config.burn_in,
                   config.context, config.training)

    @classmethod
    def from_options(cls, opts: dict[str, Any]) -> LatentRNNForecaster:
        """From ``seqlm series fit``'s options: hidden, cell, seq_len, burn_in and the training
        settings (an option left None takes this model's default: big batches of
        sub-sequences, ~2.5 s CPU on 1,000 values)."""
        given = {k: v for k, v in opts.items() if v is not None}
        return cls(given.get("hidden", 16), given.get("cell", "gru"),
                   seq_len=given.get("seq_len", 64), burn_in=given.get("burn_in", 16),
                   settings=LatentTraining.from_dict(given))

    @property
    def config(self) -> LatentConfig:
        return LatentConfig(self.hidden, self.cell, self.num_layers, self.seq_len, self.burn_in,
                            self.context, LatentTraining(**asdict(self.settings)))

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None, *,
            out: str | Path | None = None, resume: str | Path | None = None) -> LatentRNNForecaster:
        """Train with seqlm.train; ``out`` keeps its checkpoints, ``resume`` continues one."""
        y = as_values(y_train, "y_train")
        if len(y) < 2:
            raise DataError(f"series of length {len(y)} is too short: need at least 2 values")
        s = self.settings
        self.scaler = Scaler.fit(y)
        z = self.scaler.transform(y)
        torch.manual_seed(s.seed)
        self.net = LatentRNN(self.hidden, self.cell, self.num_layers)
        device = s.torch_device()
        train = SequenceBatches(z, self.seq_len, s.batch_size, self.burn_in, s.seed, device)
        valid = None
        if y_valid is not None and len(y_valid):
            valid = validation_windows(z, self.scaler.transform(as_values(y_valid, "y_valid")),
                                       self.context)
        self.history = train_net(self.net, BurnInRegressionTask(), train, valid, s, out, resume)
        return self

    def _ready(self) -> tuple[LatentRNN, Scaler]:
        if self.net is None or self.scaler is None:
            raise ConfigError(f"{self.name} is not fitted; call fit first")
        return self.net, self.scaler

    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        net, scaler = self._ready()
        net.eval()
        dev = next(net.parameters()).device
        z = torch.as_tensor(scaler.transform(y), dtype=torch.float32, device=dev)
        out = torch.empty(len(origins), horizon, dtype=torch.float64)
        if not len(origins):
            return out.numpy()
        with torch.no_grad():
            state, pred = self._states_at(net, z, origins)
            for j in range(horizon):
                out[:, j] = pred.double().cpu()
                if j + 1 < horizon:
                    pred, state = net.step(pred, state)
        return scaler.inverse(out.numpy())

    def _states_at(self, net: LatentRNN, z: torch.Tensor,
                   origins: np.ndarray) -> tuple[Any, torch.Tensor]:
        """State after reading the ``context`` values before each origin (from a zero state, as
        in training), and the prediction of z[o] it makes; origins are batched."""
        c = self.context
        full = [i for i, o in enumerate(origins) if o >= c]
        short = [i for i, o in enumerate(origins) if o < c]
        parts: list[tuple[list[int], torch.Tensor, Any]] = []
        if full:
            starts = torch.as_tensor(origins[full] - c, device=z.device)
            wins = z[starts[:, None] + torch.arange(c, device=z.device)]
            pred, state = net(wins, None)
            parts.append((full, pred[:, -1], state))
        for i in short:  # too little history for a full context: read all there is
            pred, state = net(z[None, :int(origins[i])], None)
            parts.append(([i], pred[:, -1], state))
        order = torch.as_tensor([i for idx, _, _ in parts for i in idx])
        inverse = torch.argsort(order).to(z.device)
        preds = torch.cat([p for _, p, _ in parts])[inverse]
        states = [_cat([st[layer] for _, _, st in parts], inverse, net.cell == "lstm")
                  for layer in range(len(net.layers))]
        return states, preds

    def meta(self) -> dict[str, Any]:
        _, scaler = self._ready()
        return {"kind": "latent", "hidden": self.hidden, "cell": self.cell,
                "num_layers": self.num_layers, "seq_len": self.seq_len, "burn_in": self.burn_in,
                "context": self.context,
                "scaler": scaler.to_dict(), "settings": self.settings.to_dict()}

    def state_dict(self) -> dict[str, torch.Tensor]:
        net, _ = self._ready()
        return {k: v.detach().cpu() for k, v in net.state_dict().items()}

    @classmethod
    def restore(cls, meta: dict[str, Any], state: dict[str, torch.Tensor]) -> LatentRNNForecaster:
        m = cls(int(meta["hidden"]), str(meta["cell"]), int(meta["num_layers"]),
                int(meta["seq_len"]), int(meta["burn_in"]), int(meta["context"]),
                NeuralSettings.from_dict(meta["settings"]))
        m.scaler = Scaler(**meta["scaler"])
        m.net = LatentRNN(m.hidden, m.cell, m.num_layers)
        m.net.load_state_dict(state)
        return m


def _cat(parts: list[Any], inverse: torch.Tensor, lstm: bool) -> Any:
    """Concatenate per-group states along the batch axis and restore the origins' order."""
    if lstm:
        return (torch.cat([p[0] for p in parts], 1)[:, inverse],
                torch.cat([p[1] for p in parts], 1)[:, inverse])
    return torch.cat(parts, 1)[:, inverse]
