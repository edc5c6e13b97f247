"""Predictions of a saved model over a span as rows (index, k, observed, prediction, interval).

The logic behind ``seqlm series predict``: the default start (the fit's test start), the three
modes, interval calibration on the values before the start, and the CSV text with time labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from seqlm.errors import ConfigError, DataError
from seqlm.series.dates import extend, format_time
from seqlm.series.intervals import residual_quantiles
from seqlm.series.models.base import Forecaster
from seqlm.series.predict import check_ks, free_running, k_step, one_step

MODES = ("one-step", "free", "k-step")
MAX_HORIZON = 100_000  # a longer free-running request is refused (memory and time)


@dataclass(frozen=True)
class Row:
    """Prediction of y[index] made ``k`` steps ahead ("free": free-running from the start)."""

    index: int
    k: int | str
    prediction: float
    lower: float | None = None
    upper: float | None = None


def default_start(model: Forecaster, n: int, split: Sequence[int] | None) -> int:
    """The fit's test start when the data is the fit's, else the last fifth of the series."""
    if split and len(split) == 3 and split[0] == n:
        return int(split[2])
    return max(model.min_history, n - max(1, n // 5))


def predict_rows(model: Forecaster, y: np.ndarray, mode: str, start: int,
                 ks: Sequence[int] = (1,), horizon: int | None = None,
                 interval: float | None = None) -> list[Row]:
    """Rows of one-step, free-running (``horizon`` steps, default to the end) or k-step
    predictions from ``start``; with ``interval``, residual quantiles calibrated before start."""
    last = len(y) if mode == "free" else len(y) - 1  # free-running may start past the end
    if start == len(y) and mode != "free":
        raise DataError(f"--start {start} is the end of the series: nothing to compare in "
                        f"{mode} mode (to forecast past the end: --mode free --horizon N, or "
                        f"`seqlm series forecast`)")
    if not model.min_history <= start <= last:
        raise DataError(f"--start must lie in [{model.min_history}, {last}], got {start}")
    if start == len(y) and horizon is None:
        raise ConfigError(f"--start {start} is the end of the series: give --horizon, the "
                          f"number of values to forecast past it")
    raw: list[tuple[int, int | str, float]]
    if mode == "one-step":
        raw = [(start + i, 1, p) for i, p in enumerate(one_step(model, y, start))]
    elif mode == "free":
        if horizon is not None and not 1 <= horizon <= MAX_HORIZON:
            raise ConfigError(f"--horizon must be in 1..{MAX_HORIZON}, got {horizon}")
        stop = len(y) if horizon is None else start + horizon
        raw = [(start + i, "free", p) for i, p in enumerate(free_running(model, y, start, stop))]
    elif mode == "k-step":
        res = k_step(model, y, check_ks(ks, len(y) - start), start)
        raw = [(int(t), k, p) for k in res.pred
               for t, p in zip(res.targets[k], res.pred[k], strict=True)]
    else:
        raise ConfigError(f"--mode must be one of {', '.join(MODES)}, got {mode!r}")
    if interval is None:
        return [Row(t, k, float(p)) for t, k, p in raw]

    def steps(t: int, k: int | str) -> int:  # free-running: the j-th value is a j-step forecast
        return t - start + 1 if k == "free" else int(k)

    kset = sorted({steps(t, k) for t, k, _ in raw})
    calib = max(model.min_history, start // 2)
    if start - calib <= max(kset):
        raise DataError("too little data before --start to calibrate an interval")
    bounds = residual_quantiles(model, y, kset, calib, start, interval)
    return [Row(t, k, float(p), float(p + bounds[steps(t, k)][0]),
                float(p + bounds[steps(t, k)][1])) for t, k, p in raw]


def rows_csv(rows: Sequence[Row], y: np.ndarray, time: np.ndarray | None = None) -> str:
    """CSV text: index[,time],k,observed,prediction[,lower,upper]."""
    dated = time is not None and len(time) == len(y)
    labels = [format_time(t) for t in time] if dated else []  # type: ignore[union-attr]
    beyond = max((r.index for r in rows), default=-1) - len(y) + 1
    if dated and beyond > 0:  # free-running past the end: the dates continue
        labels += extend(time, beyond)
    bounds = bool(rows) and rows[0].lower is not None
    head = ["index"] + (["time"] if dated else []) + ["k", "observed", "prediction"]
    lines = [",".join(head + (["lower", "upper"] if bounds else []))]
    for r in rows:
        cells = [str(r.index)] + ([labels[r.index] if r.index < len(labels) else ""]
                                  if dated else [])
        cells += [str(r.k), f"{y[r.index]:.6g}" if r.index < len(y) else "", f"{r.prediction:.6g}"]
        if bounds:
            cells += [f"{r.lower:.6g}", f"{r.upper:.6g}"]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"
