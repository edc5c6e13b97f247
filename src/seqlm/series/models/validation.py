"""Rolling-origin validation with refits: the validation span is cut into folds; the model is
fitted on the values before each fold (its orders chosen on the first fold, then frozen) and
forecasts h = 1..H from every origin inside the fold (targets may run into later folds).
"""

from __future__ import annotations

import itertools

import numpy as np

from seqlm.errors import ConfigError
from seqlm.series.models.base import Forecaster


def errors(model: Forecaster, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
    """(origins, horizon) target - forecast, NaN where the target lies past the data."""
    paths = model.predict_paths(y, origins, horizon)
    idx = origins[:, None] + np.arange(horizon)
    ok = idx < len(y)
    err = np.full(paths.shape, np.nan)
    err[ok] = y[idx[ok]] - paths[ok]
    err[ok & ~np.isfinite(err)] = np.inf
    return err


def rmse(err: np.ndarray) -> float:
    """RMSE over the observed (non-NaN) errors; inf when there are none or one is infinite."""
    vals = err[~np.isnan(err)]
    if not len(vals) or not np.all(np.isfinite(vals)):
        return float("inf")
    return float(np.sqrt(np.mean(vals**2)))


def balanced_rmse(err: np.ndarray) -> float:
    """sqrt of the mean over horizons of each horizon's MSE: every h weighs the same although
    a validation span has fewer targets at long horizons (inf if a horizon has none)."""
    return float(np.sqrt(np.mean(per_h(err) ** 2)))


def per_h(err: np.ndarray) -> np.ndarray:
    """RMSE of each column (horizon) over its observed targets."""
    return np.array([np.sqrt(np.mean(col[~np.isnan(col)] ** 2)) if np.any(~np.isnan(col))
                     else np.inf for col in err.T])


def frozen(model: Forecaster) -> Forecaster:
    """``model.frozen()``: an unfitted copy with its data-driven choices (orders, lags, form,
    lambda) fixed, so that a refit only re-estimates the coefficients."""
    make = getattr(model, "frozen", None)
    if make is None:
        raise ConfigError(f"{model.name} cannot be refitted with its choices fixed")
    out: Forecaster = make()
    return out


def fold_edges(start: int, n: int, folds: int) -> np.ndarray:
    """folds + 1 increasing cut points from ``start`` to ``n`` (fewer when the span is short)."""
    return np.unique(np.linspace(start, n, folds + 1).round().astype(np.int64))


def cv_errors(model: Forecaster, y: np.ndarray, start: int, horizon: int,
              folds: int) -> tuple[np.ndarray, Forecaster]:
    """(len(y) - start, horizon) errors from the origins start..len(y)-1 (NaN rows where the
    model needs more history), and the model fitted on y[:start] (``model`` itself). Each
    later fold refits ``model.frozen()`` on the values before it."""
    edges = fold_edges(start, len(y), folds)
    out, fitted = np.full((len(y) - start, horizon), np.nan), model.fit(y[:start])
    for k, (lo, hi) in enumerate(itertools.pairwise(edges)):
        m = fitted if k == 0 else frozen(fitted).fit(y[:lo])
        origins = np.arange(max(lo, m.min_history), hi)
        if len(origins):
            out[origins - start] = errors(m, y, origins, horizon)
    return out, fitted
