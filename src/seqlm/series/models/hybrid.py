"""Zhang's (2003) hybrid: a linear AR plus alpha times an MLP ensemble fitted to its residuals.

x_t = c + sum_i a_i x_{t-i} + alpha * mean_e g_e(n(x_{t-p..t-1})) * s: the AR (lags by AIC) takes
the linear structure, the nets (one batch, early stopping) the non-linear rest; ``alpha`` = 0 is
the plain AR, which ``auto`` falls back to when the nets do not help on validation. The input
normalisation n is global (z-scores of the training values) or per window (RevIN-style: each
window's own mean and spread, s = that spread, so the nets see shapes, not levels).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from seqlm.errors import ConfigError
from seqlm.series.data import as_values
from seqlm.series.models.base import MarkovForecaster
from seqlm.series.models.linear_ar import LinearAR
from seqlm.series.models.registry import register
from seqlm.series.models.residual_net import EnsembleMLP, train_ensemble
from seqlm.series.windows import make_windows

NORMS = ("global", "window")


@register("hybrid_ar")
class HybridAR(MarkovForecaster):
    """AR(lags) + alpha * residual MLPs (``norm`` None: the AR alone)."""

    def __init__(self, lags: int | str = "aic", max_lags: int = 20, norm: str | None = "global",
                 members: int = 5, hidden: int = 32, seed: int = 0, alpha: float = 1.0,
                 steps: Any = None, lr: float = 0.02, weight_decay: float = 1e-4) -> None:
        if norm is not None and norm not in NORMS:
            raise ConfigError(f"norm must be one of {', '.join(NORMS)} or None, got {norm!r}")
        self.linear = LinearAR(lags, max_lags)
        self.tau = self.linear.tau
        self.norm, self.members, self.hidden, self.seed = norm, members, hidden, seed
        self.alpha, self.steps, self.lr, self.weight_decay = alpha, steps, lr, weight_decay
        self.net: EnsembleMLP | None = None
        self.mean, self.std = 0.0, 1.0
        self.name = "ar" if norm is None else "hybrid-ar"

    def frozen(self) -> HybridAR:
        """An unfitted copy with the lag order, weight and the nets' step counts fixed."""
        return HybridAR(self.tau, norm=self.norm, members=self.members, hidden=self.hidden,
                        seed=self.seed, alpha=self.alpha, steps=self.steps, lr=self.lr,
                        weight_decay=self.weight_decay)

    def _inputs(self, win: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Normalised windows and the scale s their outputs are multiplied by."""
        if self.norm == "window":
            mu = win.mean(axis=1, keepdims=True)
            s = np.sqrt(win.var(axis=1, keepdims=True) + 0.01 * self.std**2)
            return (win - mu) / s, s[:, 0]
        return (win - self.mean) / self.std, np.full(len(win), self.std)

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None) -> HybridAR:
        y = as_values(y_train, "y_train")
        self.linear.fit(y)
        self.tau = self.linear.tau
        self.name = f"ar({self.tau})" if self.norm is None else f"hybrid-ar({self.tau})"
        if self.norm is None:
            return self
        self.mean, self.std = float(y.mean()), float(y.std()) or 1.0
        X, Y = self._residual_data(y)
        Xv = Yv = None
        if y_valid is not None and len(y_valid):
            feats, labels = make_windows(np.concatenate([y, as_values(y_valid)]), self.tau)
            keep = slice(len(y) - self.tau, None)
            Xv, Yv = self._targets(feats[keep], labels[keep])
        torch.manual_seed(self.seed)
        self.net = EnsembleMLP(self.members, self.tau, self.hidden, self.seed)
        self.steps = train_ensemble(self.net, X, Y, Xv, Yv,
                                    steps=600 if self.steps is None else self.steps,
                                    lr=self.lr, weight_decay=self.weight_decay)
        return self

    def _residual_data(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._targets(*make_windows(y, self.tau))

    def _targets(self, feats: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        X, s = self._inputs(feats)
        return X, (labels - self.linear.predict_windows(feats)) / s

    def residual(self, windows: np.ndarray) -> np.ndarray:
        """The nets' mean correction for each window (zeros without nets)."""
        if self.net is None:
            return np.zeros(len(windows))
        X, s = self._inputs(windows)
        with torch.no_grad():
            out = self.net(torch.as_tensor(X, dtype=torch.float32)).double().mean(0).numpy()
        return out * s

    def predict_windows(self, windows: np.ndarray) -> np.ndarray:
        base = self.linear.predict_windows(windows)
        return base if self.alpha == 0 else base + self.alpha * self.residual(windows)

    def meta(self) -> dict[str, Any]:
        return self.to_dict()

    def to_dict(self) -> dict[str, Any]:
        return {"linear": self.linear.to_dict(), "norm": self.norm, "members": self.members,
                "hidden": self.hidden, "seed": self.seed, "alpha": self.alpha,
                "steps": None if self.net is None else [int(s) for s in self.steps],
                "lr": self.lr, "weight_decay": self.weight_decay, "mean": self.mean,
                "std": self.std}

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {} if self.net is None else {k: v.detach().clone()
                                            for k, v in self.net.state_dict().items()}

    @classmethod
    def restore(cls, d: dict[str, Any], state: dict[str, torch.Tensor]) -> HybridAR:
        m = cls(1, norm=d["norm"], members=int(d["members"]), hidden=int(d["hidden"]),
                seed=int(d["seed"]), alpha=float(d["alpha"]), steps=d["steps"],
                lr=float(d["lr"]), weight_decay=float(d["weight_decay"]))
        m.linear = LinearAR.from_dict(d["linear"])
        m.tau = m.linear.tau
        m.mean, m.std = float(d["mean"]), float(d["std"])
        if m.norm is not None:
            m.net = EnsembleMLP(m.members, m.tau, m.hidden)
            m.net.load_state_dict(state)
        m.name = f"ar({m.tau})" if m.norm is None else f"hybrid-ar({m.tau})"
        return m
