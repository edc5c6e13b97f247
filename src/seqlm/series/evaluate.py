"""The results table: MSE, RMSE and MAE per model and per k on the test span, text and CSV."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from seqlm.io import atomic_write
from seqlm.series import metrics
from seqlm.series.data import as_values
from seqlm.series.models.base import Forecaster
from seqlm.series.predict import check_ks, free_running, k_step


@dataclass(frozen=True)
class Score:
    """Errors of one model at one horizon k (k = 0 stands for free-running over the span)."""

    model: str
    k: int
    n: int
    mse: float
    rmse: float
    mae: float


def score(name: str, k: int, y: np.ndarray, pred: np.ndarray) -> Score:
    return Score(name, k, len(y), metrics.mse(y, pred), metrics.rmse(y, pred),
                 metrics.mae(y, pred))


def evaluate(models: Mapping[str, Forecaster], y: np.ndarray, test_start: int,
             ks: Sequence[int] = (1, 4, 16, 64), free: bool = True) -> list[Score]:
    """Rolling k-step errors over y[test_start:] for every fitted model (+ free-running)."""
    y = as_values(y)
    ks = check_ks(ks, len(y) - test_start)
    out = []
    for name, model in models.items():
        pred = k_step(model, y, ks, test_start)
        out += [score(name, k, y[pred.targets[k]], pred.pred[k]) for k in ks]
        if free:
            out.append(score(name, 0, y[test_start:], free_running(model, y, test_start)))
    return out


def rolling_origin_rmse(model: Forecaster, y: np.ndarray, start: int, horizon: int) -> float:
    """RMSE pooled over every origin o in [start, len(y) - horizon] and every h = 1..horizon:
    each origin forecasts the next ``horizon`` values from the observed y[:o]."""
    y = as_values(y)
    check_ks([horizon], len(y) - start)
    origins = np.arange(start, len(y) - horizon + 1)
    paths = model.predict_paths(y, origins, horizon)
    return metrics.rmse(y[origins[:, None] + np.arange(horizon)], paths)


def _k(k: int) -> str:
    return "free" if k == 0 else str(k)


def format_table(scores: Sequence[Score]) -> str:
    """Fixed-width text table, one row per model and k."""
    w = max([len(s.model) for s in scores] + [5])
    lines = [f"{'model':<{w}}  {'k':>5}  {'n':>5}  {'MSE':>10}  {'RMSE':>10}  {'MAE':>10}"]
    for s in scores:
        lines.append(f"{s.model:<{w}}  {_k(s.k):>5}  {s.n:>5}  {s.mse:>10.4g}  {s.rmse:>10.4g}"
                     f"  {s.mae:>10.4g}")
    return "\n".join(lines)


def write_csv(scores: Sequence[Score], path: str | Path) -> None:
    """Write the table as CSV (atomically: no half-written file on failure)."""
    with atomic_write(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(Score.__dataclass_fields__))
        writer.writeheader()
        for s in scores:
            row = asdict(s)
            row["k"] = _k(s.k)
            writer.writerow(row)


@dataclass(frozen=True)
class HorizonScore:
    """Rolling-origin errors at horizon h (h = 0: pooled over h = 1..H)."""

    model: str
    h: int
    n: int
    rmse: float
    mae: float
    mase: float


def mase_scale(y_train: np.ndarray, season: int | None = None) -> float:
    """Hyndman's MASE denominator: the in-sample MAE of the (seasonal) naive forecast."""
    m = season if season and len(y_train) > season else 1
    d = np.abs(np.asarray(y_train)[m:] - np.asarray(y_train)[:-m])
    return float(d.mean()) if len(d) and d.mean() > 0 else 1.0


def horizon_scores(name: str, model: Forecaster, y: np.ndarray, start: int, horizon: int,
                   scale: float) -> list[HorizonScore]:
    """Pooled and per-h RMSE/MAE/MASE over every origin o in [start, len(y) - horizon]: each
    origin forecasts y[o..o+horizon-1] from y[:o] (the same windows for every model)."""
    y = as_values(y)
    check_ks([horizon], len(y) - start)
    origins = np.arange(start, len(y) - horizon + 1)
    paths = model.predict_paths(y, origins, horizon)
    truth = y[origins[:, None] + np.arange(horizon)]

    def row(h: int, t: np.ndarray, p: np.ndarray) -> HorizonScore:
        mae = metrics.mae(t, p)
        return HorizonScore(name, h, t.size, metrics.rmse(t, p), mae, mae / scale)

    return [row(0, truth, paths)] + [row(h + 1, truth[:, h], paths[:, h])
                                     for h in range(horizon)]


def format_horizon_table(scores: Sequence[HorizonScore], horizon: int) -> str:
    """Fixed-width table: one pooled row (h = 1..H) and one row per h for every model."""
    w = max([len(s.model) for s in scores] + [5])
    lines = [f"{'model':<{w}}  {'h':>6}  {'n':>5}  {'RMSE':>10}  {'MAE':>10}  {'MASE':>8}"]
    for s in scores:
        h = f"1..{horizon}" if s.h == 0 else str(s.h)
        lines.append(f"{s.model:<{w}}  {h:>6}  {s.n:>5}  {s.rmse:>10.4g}  {s.mae:>10.4g}"
                     f"  {s.mase:>8.4g}")
    return "\n".join(lines)
