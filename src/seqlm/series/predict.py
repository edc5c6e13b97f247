"""The three prediction modes, all built on ``Forecaster.predict_paths``.

* one-step-ahead: every target x_t is predicted from the observed x_{<t};
* free-running: from a start point on, the model feeds its own predictions back;
* k-step-ahead: x_t is predicted from the observed x_{<=t-k} and k-1 of the model's own
  predictions, for every target in a span (rolling origin), for several k at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from seqlm.errors import ConfigError, DataError, require_int
from seqlm.series.data import as_values
from seqlm.series.models.base import Forecaster


def one_step(model: Forecaster, y: np.ndarray, start: int) -> np.ndarray:
    """Predictions of y[start:] each from the observed values before it."""
    y = as_values(y)
    return model.predict_paths(y, np.arange(start, len(y)), 1)[:, 0]


def free_running(model: Forecaster, y: np.ndarray, start: int,
                 stop: int | None = None) -> np.ndarray:
    """Predictions of y[start:stop] seeing only y[:start] (nothing after ``start`` is passed)."""
    y = as_values(y)
    stop = len(y) if stop is None else stop
    if not start < stop:
        raise ConfigError(f"free-running needs start < stop, got {start} and {stop}")
    return model.predict_paths(y[:start], [start], stop - start)[0]


@dataclass(frozen=True)
class KStep:
    """k-step-ahead predictions: ``pred[k]`` holds the predictions of y[targets[k]]."""

    targets: dict[int, np.ndarray]
    pred: dict[int, np.ndarray]


def check_ks(ks: Sequence[int], span: int) -> list[int]:
    """Sorted distinct k, each in 1..span (the test span must hold one k-step target)."""
    out = sorted(set(ks))
    if not out:
        raise ConfigError("give at least one k")
    for k in out:
        if require_int("k", k) > span:
            raise DataError(f"k={k} is larger than the test span of {span} values")
    return [int(k) for k in out]


def k_step(model: Forecaster, y: np.ndarray, ks: Sequence[int], start: int) -> KStep:
    """Rolling-origin k-step predictions with origins o = start..len(y)-k, target o + k - 1."""
    y = as_values(y)
    ks = check_ks(ks, len(y) - start)
    origins = np.arange(start, len(y))
    paths = model.predict_paths(y, origins, max(ks))
    targets, pred = {}, {}
    for k in ks:
        m = len(y) - start - k + 1
        targets[k] = origins[:m] + k - 1
        pred[k] = paths[:m, k - 1]
    return KStep(targets, pred)
