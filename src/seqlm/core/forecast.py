"""The series-model contract: one fit/predict shape for every forecaster (scikit-learn/darts).

``fit(y_train, y_valid=None)`` sees only the training values (and, for early stopping, the
validation values that follow them) and returns the model. ``predict_paths(y, origins, horizon)``
is the one primitive: for each origin o it forecasts y[o], y[o+1], ..., y[o+horizon-1] from the
observed y[:o] only, feeding its own predictions back after the first step. ``predict(n,
history)`` (free running) and every other prediction mode are built on it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlm.errors import ConfigError, DataError


def as_values(x: Any, name: str = "series") -> np.ndarray:
    """A finite 1-D float64 copy of ``x`` (an array, a list, or an object with an array
    ``values`` such as seqlm.series.Series); raises DataError on NaN/inf, 2-D input or text."""
    values = getattr(x, "values", None)
    if isinstance(values, np.ndarray) and not isinstance(x, np.ndarray | Sequence):
        x = values
    try:
        arr = np.array(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}: values must be numbers ({exc})") from None
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise DataError(f"{name}: expected a 1-D series, got an array of shape {arr.shape}")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise DataError(f"{name}: {bad.size} value(s) are NaN or infinite (first at position "
                        f"{bad[0]}); fill or drop them first")
    return arr


class Forecaster(ABC):
    """Base class of every series model: set ``name`` and ``min_history``; implement ``fit``
    and ``_paths``."""

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

    def predict(self, n: int, history: Any) -> np.ndarray:
        """Free-running forecast of the ``n`` values that follow ``history``."""
        y = as_values(history, "history")
        if len(y) < self.min_history:
            raise DataError(f"{self.name}: history of {len(y)} values is shorter than the "
                            f"{self.min_history} the model needs")
        return self.predict_paths(y, [len(y)], n)[0]
