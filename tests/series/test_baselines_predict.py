"""Baselines by hand, and the three prediction modes against explicit recursions."""

from __future__ import annotations

import numpy as np
import pytest

from seqlm.errors import ConfigError, DataError
from seqlm.series.models import LinearAR, NaiveForecaster, SeasonalNaiveForecaster
from seqlm.series.predict import check_ks, free_running, k_step, one_step


def test_naive_and_seasonal_naive_by_hand() -> None:
    y = np.array([1.0, 2, 3, 4, 5, 6, 7])
    assert one_step(NaiveForecaster(), y, 3).tolist() == [3, 4, 5, 6]
    assert free_running(NaiveForecaster(), y, 4).tolist() == [4, 4, 4]
    sn = SeasonalNaiveForecaster(3)
    assert one_step(sn, y, 3).tolist() == [1, 2, 3, 4]
    # free-running repeats the last observed season: y[3:] from y[:3] = 1,2,3,1
    assert free_running(sn, y, 3).tolist() == [1, 2, 3, 1]
    with pytest.raises(ConfigError):
        SeasonalNaiveForecaster(0)


def recursive_forecast(coef: np.ndarray, history: list[float], steps: int) -> list[float]:
    """x_t = c + sum_i a_i x_{t-i}, feeding predictions back, written as a plain loop."""
    h = list(history)
    p = len(coef) - 1
    for _ in range(steps):
        h.append(coef[0] + sum(coef[i] * h[-i] for i in range(1, p + 1)))
    return h[len(history):]


def test_k_step_is_the_recursion_from_each_origin() -> None:
    rng = np.random.default_rng(0)
    y = np.cumsum(rng.normal(size=120)) * 0.1
    m = LinearAR(3).fit(y[:80])
    res = k_step(m, y, [1, 2, 5], start=90)
    for k in (1, 2, 5):
        assert res.targets[k].tolist() == list(range(90 + k - 1, 120))
        for t, pred in zip(res.targets[k], res.pred[k], strict=True):
            origin = t - k + 1  # observed data up to x_{t-k}, then k-1 own predictions
            assert pred == pytest.approx(recursive_forecast(m.coef, list(y[:origin]), k)[-1])
    assert np.allclose(res.pred[1], one_step(m, y, 90))
    free = free_running(m, y, 90)
    assert np.allclose(free, recursive_forecast(m.coef, list(y[:90]), 30))
    assert np.allclose(m.predict(30, y[:90]), free)


def test_bad_k_and_origins() -> None:
    y = np.arange(20.0)
    m = NaiveForecaster().fit(y)
    with pytest.raises(DataError, match="larger than the test span"):
        k_step(m, y, [1, 11], start=10)
    for bad in ([], [0], [2.5], [True]):
        with pytest.raises(ConfigError):
            check_ks(bad, 10)  # type: ignore[arg-type]
    with pytest.raises(DataError, match="origins"):
        m.predict_paths(y, [0], 3)
    with pytest.raises(ConfigError):
        m.predict_paths(y, [5], 0)
    with pytest.raises(ConfigError):
        free_running(m, y, 20)
    assert check_ks([64, 1, 4, 4], 64) == [1, 4, 64]
