"""One fit/predict shape for every forecaster (scikit-learn / darts style).

``fit(y_train, y_valid=None)`` sees only the training values (and, for early stopping, the
validation values that follow them). ``predict_paths(y, origins, horizon)`` is the one primitive:
for each origin o it forecasts y[o], y[o+1], ..., y[o+horizon-1] from the observed y[:o] only,
feeding its own predictions back after the first step. Every prediction mode is built on it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np

from seqlm.errors import ConfigError, DataError
from seqlm.series.data import as_values


class Forecaster(ABC):
    """Base class: subclasses set ``min_history`` and implement ``fit`` and ``_paths``."""

    name: str = "forecaster"

    @property
    def min_history(self) -> int:
        """Observed values needed before the first forecast."""
        return 1

    @abstractmethod
    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None) -> Forecaster:
        """Fit on the training values only; returns self."""

    @abstractmethod
    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        """(len(origins), horizon) forecasts; inputs already validated."""

    def predict_paths(self, y: Any, origins: Any, horizon: int) -> np.ndarray:
        """Row i: forecasts of y[o_i .. o_i+horizon-1] from observed y[:o_i] (o_i <= len(y))."""
        y = as_values(y)
        origins = np.asarray(origins, dtype=np.int64).reshape(-1)
        if horizon < 1:
            raise ConfigError(f"horizon must be >= 1, got {horizon}")
        if origins.size and (origins.min() < self.min_history or origins.max() > len(y)):
            raise DataError(f"{self.name}: forecast origins must lie in [{self.min_history}, "
                            f"{len(y)}] (the model needs {self.min_history} observed values)")
        with np.errstate(over="ignore", invalid="ignore"):
            return self._paths(y, origins, horizon)

    def meta(self) -> dict[str, Any]:
        """Plain values that, with :meth:`state_dict`, rebuild the fitted model (``restore``)."""
        return {}

    def state_dict(self) -> dict[str, Any]:
        """Tensors of the fitted model (none for the numpy models)."""
        return {}

    def predict(self, n: int, history: Any) -> np.ndarray:
        """Free-running forecast of the ``n`` values that follow ``history``."""
        y = as_values(history, "history")
        if len(y) < self.min_history:
            raise DataError(f"{self.name}: history of {len(y)} values is shorter than the "
                            f"{self.min_history} the model needs")
        return self.predict_paths(y, [len(y)], n)[0]


class MarkovForecaster(Forecaster):
    """Plan A: the next value is a function of the last ``tau`` values only."""

    tau: int = 1

    @property
    def min_history(self) -> int:
        return self.tau

    @abstractmethod
    def predict_windows(self, windows: np.ndarray) -> np.ndarray:
        """Next value for each row of ``windows`` (m, tau), oldest value first."""

    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        win = np.stack([y[o - self.tau:o] for o in origins]) if origins.size else np.zeros(
            (0, self.tau))
        out = np.empty((len(origins), horizon))
        for j in range(horizon):
            out[:, j] = self.predict_windows(win)
            win = np.concatenate([win[:, 1:], out[:, j:j + 1]], axis=1)
        return out
