"""Point-forecast errors: MSE, RMSE, MAE (a non-finite prediction gives an infinite error)."""

from __future__ import annotations

import numpy as np


def _err(y: np.ndarray, pred: np.ndarray) -> np.ndarray:
    y, pred = np.asarray(y, dtype=np.float64), np.asarray(pred, dtype=np.float64)
    if y.shape != pred.shape or y.size == 0:
        raise ValueError(f"need equal non-empty shapes, got {y.shape} and {pred.shape}")
    with np.errstate(over="ignore", invalid="ignore"):
        e = pred - y
    return np.where(np.isfinite(e), e, np.inf)


def mse(y: np.ndarray, pred: np.ndarray) -> float:
    """Mean squared error."""
    with np.errstate(over="ignore"):
        return float(np.mean(_err(y, pred) ** 2))


def rmse(y: np.ndarray, pred: np.ndarray) -> float:
    """Root mean squared error."""
    return float(np.sqrt(mse(y, pred)))


def mae(y: np.ndarray, pred: np.ndarray) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(_err(y, pred))))
