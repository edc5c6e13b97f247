"""Linear AR by least squares, checked against explicit normal equations and statsmodels."""

from __future__ import annotations

import numpy as np
import pytest

from seqlm.errors import ConfigError, DataError
from seqlm.series.data import synthetic
from seqlm.series.datasets import load_dataset
from seqlm.series.models import LinearAR
from seqlm.series.predict import free_running, one_step

ar_model = pytest.importorskip("statsmodels.tsa.ar_model")


def ar2(n: int = 4000, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = np.zeros(n)
    for t in range(2, n):
        y[t] = 0.5 + 0.6 * y[t - 1] - 0.3 * y[t - 2] + rng.normal()
    return y


def test_coefficients_solve_the_normal_equations() -> None:
    y = ar2()
    m = LinearAR(2).fit(y)
    rows = [[1.0, y[t - 1], y[t - 2]] for t in range(2, len(y))]  # built by hand, loop by loop
    X, target = np.array(rows), y[2:]
    beta = np.linalg.solve(X.T @ X, X.T @ target)
    assert np.allclose(m.coef, beta, atol=1e-10)
    assert m.intercept == pytest.approx(0.5, abs=0.1)
    assert m.ar_coefs == pytest.approx([0.6, -0.3], abs=0.05)


@pytest.mark.parametrize("p", [1, 4, 9])
def test_matches_statsmodels_autoreg(p: int) -> None:
    y = load_dataset("sunspots").values[:247]
    ref = ar_model.AutoReg(y, lags=p, trend="c").fit()
    m = LinearAR(p).fit(y)
    assert np.allclose(m.coef, ref.params, rtol=1e-8, atol=1e-8)
    # statsmodels' out-of-sample dynamic forecast = our free-running prediction
    fc = ref.predict(start=len(y), end=len(y) + 11)
    assert np.allclose(free_running(m, np.r_[y, np.zeros(12)], len(y)), fc)
    # in-sample one-step predictions
    assert np.allclose(one_step(m, y, p), ref.predict(start=p, end=len(y) - 1))


@pytest.mark.parametrize(("name", "cut", "maxlag"), [("sunspots", 247, 20),
                                                    ("synthetic", 604, 30)])
def test_aic_order_matches_ar_select_order(name: str, cut: int, maxlag: int) -> None:
    y = (load_dataset("sunspots") if name == "sunspots" else synthetic(seed=0)).values[:cut]
    sel = ar_model.ar_select_order(y, maxlag=maxlag, ic="aic", trend="c")
    m = LinearAR("aic", max_lags=maxlag).fit(y)
    assert m.tau == max(sel.ar_lags)
    for p, value in m.aic.items():
        assert value == pytest.approx(sel.aic[tuple(range(1, p + 1))], rel=1e-9)


def test_bad_input() -> None:
    with pytest.raises(ConfigError):
        LinearAR(0)
    with pytest.raises(DataError, match="tau\\+1"):
        LinearAR(5).fit(np.arange(5.0))
    with pytest.raises(DataError, match="AR coefficients"):
        LinearAR(5).fit(np.arange(10.0))
    with pytest.raises(DataError, match="select"):
        LinearAR("aic", max_lags=20).fit(np.arange(30.0))
    with pytest.raises(ConfigError, match="not fitted"):
        LinearAR(2).predict(3, np.arange(5.0))
