"""Forecast past the end of the data: the next N values, with intervals, dated when possible.

``auto`` carries its own per-horizon validation residuals; other models are calibrated on
their k-step residuals over the last fifth of the series (in-sample for the fitted part, so
those intervals come out narrower than they should: said in the output's note).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlm.errors import ConfigError, DataError, require_int
from seqlm.series.data import Series
from seqlm.series.dates import extend
from seqlm.series.intervals import residual_quantiles
from seqlm.series.models.base import Forecaster
from seqlm.series.predictions import MAX_HORIZON


@dataclass(frozen=True)
class Forecast:
    """Forecasts of y[n], ..., y[n + N - 1] after a series of n values."""

    index: np.ndarray
    time: list[str]
    mean: np.ndarray
    lower: np.ndarray | None = None
    upper: np.ndarray | None = None
    level: float | None = None
    note: str = ""

    def csv(self) -> str:
        """index[,time],forecast[,lower,upper] as CSV text."""
        dated = any(self.time)
        head = ["index"] + (["time"] if dated else []) + ["forecast"]
        if self.lower is not None:
            head += ["lower", "upper"]
        lines = [",".join(head)]
        for i in range(len(self.mean)):
            cells = [str(self.index[i])] + ([self.time[i]] if dated else [])
            cells.append(f"{self.mean[i]:.6g}")
            if self.lower is not None and self.upper is not None:
                cells += [f"{self.lower[i]:.6g}", f"{self.upper[i]:.6g}"]
            lines.append(",".join(cells))
        return "\n".join(lines) + "\n"


def forecast(model: Forecaster, series: Series, horizon: int,
             level: float | None = None) -> Forecast:
    """The ``horizon`` values after ``series`` from a model fitted on it (interval at ``level``)."""
    if require_int("--horizon", horizon) > MAX_HORIZON:
        raise ConfigError(f"--horizon must be an integer in 1..{MAX_HORIZON}, got {horizon!r}")
    y = series.values
    mean = model.predict(horizon, y)
    n = len(y)
    index = np.arange(n, n + horizon)
    time = extend(series.time, horizon)
    if level is None:
        return Forecast(index, time, mean)
    offsets = getattr(model, "interval", None)
    if callable(offsets):
        b = offsets(level, horizon)
        return Forecast(index, time, mean, mean + b[:, 0], mean + b[:, 1], level,
                        "intervals: quantiles of validation residuals per horizon")
    start = n - max(horizon + 2, n // 5)
    if start < max(model.min_history, 1):
        raise DataError("the series is too short to calibrate an interval of this horizon")
    q = residual_quantiles(model, y, list(range(1, horizon + 1)), start, n + 1, level)
    lo = np.array([q[h][0] for h in range(1, horizon + 1)])
    hi = np.array([q[h][1] for h in range(1, horizon + 1)])
    return Forecast(index, time, mean, mean + lo, mean + hi, level,
                    "intervals: in-sample residual quantiles (too narrow); use auto for "
                    "validation-calibrated ones")
