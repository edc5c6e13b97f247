"""Prediction intervals from empirical quantiles of k-step residuals on a calibration span.

Calibrate on data the model was not fitted on (the validation span) for honest coverage; on
the training span the residuals are in-sample and the intervals come out too narrow.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from seqlm.errors import ConfigError
from seqlm.series.data import as_values
from seqlm.series.models.base import Forecaster
from seqlm.series.predict import k_step


def residual_quantiles(model: Forecaster, y: np.ndarray, ks: Sequence[int], start: int,
                       stop: int, level: float = 0.9) -> dict[int, tuple[float, float]]:
    """Per k, the (1-level)/2 and (1+level)/2 quantiles of y - prediction on targets < stop."""
    if not 0 < level < 1:
        raise ConfigError(f"interval level must be in (0, 1), got {level}")
    y = as_values(y)[:stop]
    ks_pred = k_step(model, y, ks, start)
    lo, hi = (1 - level) / 2, (1 + level) / 2
    out = {}
    for k, pred in ks_pred.pred.items():
        resid = y[ks_pred.targets[k]] - pred
        out[k] = (float(np.quantile(resid, lo)), float(np.quantile(resid, hi)))
    return out


def coverage(y: np.ndarray, pred: np.ndarray, bounds: tuple[float, float]) -> float:
    """Share of values inside [pred + lower, pred + upper]."""
    y, pred = np.asarray(y), np.asarray(pred)
    return float(np.mean((y >= pred + bounds[0]) & (y <= pred + bounds[1])))
