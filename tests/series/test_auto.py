"""auto and its parts: the tests it decides with (against statsmodels), differencing undone,
the direct strategy (against per-horizon least squares), the hybrid on a nonlinear map."""

from __future__ import annotations

import numpy as np
import pytest

from seqlm.series import stattests
from seqlm.series.datasets import load_dataset
from seqlm.series.models import AutoForecaster, DirectAR, LinearAR
from seqlm.series.persist import load_model, save_model
from seqlm.series.transform import Differencing

stattools = pytest.importorskip("statsmodels.tsa.stattools")


def logistic_map(n: int = 1000, noise: float = 0.05, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.empty(n)
    x[0] = 0.3
    for t in range(1, n):
        x[t] = min(max(3.8 * x[t - 1] * (1 - x[t - 1]) + rng.normal(0, noise), 0.0), 1.0)
    return x


def seasonal_trend(n: int = 240, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 10 + 0.05 * t + 2 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.3, n)


@pytest.mark.parametrize("regression", ["c", "ct"])
def test_kpss_and_acf_match_statsmodels(regression: str) -> None:
    rw = np.cumsum(np.random.default_rng(1).normal(size=300))
    for y in (load_dataset("sunspots").values, rw):
        with _no_warning_check():
            ref = stattools.kpss(y, regression=regression, nlags="legacy")[0]
        assert stattests.kpss(y, regression) == pytest.approx(ref, rel=1e-10)
        assert np.allclose(stattests.acf(y, 20), stattools.acf(y, nlags=20, fft=False))
    assert not stattests.is_stationary(rw) and stattests.is_stationary(np.diff(rw))


class _no_warning_check:  # statsmodels warns when the p-value is off its table; irrelevant here
    def __enter__(self) -> None:
        import warnings

        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc: object) -> None:
        self._w.__exit__(*exc)


def test_season_detected_and_strength() -> None:
    y = seasonal_trend()
    assert stattests.detect_period(y) == 12
    assert stattests.seasonal_strength(y, 12) > 0.64
    assert stattests.detect_period(np.random.default_rng(0).normal(size=300)) is None


@pytest.mark.parametrize(("d", "D"), [(0, 0), (1, 0), (0, 1), (1, 1), (2, 0)])
def test_differencing_is_undone_exactly(d: int, D: int) -> None:
    """Integrating the true future differences gives back the true future values."""
    y = np.random.default_rng(2).normal(size=120).cumsum()
    diff = Differencing(d, D, 12)
    w = diff.apply(y)
    naive = np.array([y[t] - sum(c * y[t - j] for j, c in enumerate(-diff.poly[1:], 1))
                      for t in range(diff.offset, len(y))])
    assert np.allclose(w, naive)
    origins = np.array([50, 80, 100])
    w_true = np.stack([w[o - diff.offset:o - diff.offset + 10] for o in origins])
    back = diff.integrate(y, origins, w_true)
    assert np.allclose(back, np.stack([y[o:o + 10] for o in origins]))


def test_trend_and_fixed_season_are_least_squares_and_undone(tmp_path: object) -> None:
    """The profile equals a hand regression on one dummy per phase (no intercept) plus t; an AR
    on the remainder forecasts y with the trend and the profile added back; saved and loaded."""
    from seqlm.series.models.preprocessed import Preprocessed
    from seqlm.series.transform import LinearTrend

    rng = np.random.default_rng(4)
    t = np.arange(90)
    y = 5 + 0.3 * t + np.array([2.0, -1.0, 0.5, -1.5])[t % 4] + rng.normal(0, 0.2, 90)
    fit = LinearTrend.fit(y, 4)
    X = np.column_stack([(t % 4 == k).astype(float) for k in range(4)] + [t])
    beta = np.linalg.lstsq(X, y, rcond=None)[0]  # phase means (with the level) and the slope
    assert fit.b == pytest.approx(beta[4])
    assert np.allclose(fit.a + np.array(fit.season), beta[:4]) and abs(sum(fit.season)) < 1e-9
    model = Preprocessed(LinearAR(1), Differencing(), True, 4).fit(y[:80])
    u = LinearTrend.fit(y[:80], 4)
    inner = LinearAR(1).fit(u.remove(y[:80]))
    expect = inner.predict(6, u.remove(y[:80])) + u.at(np.arange(80, 86))
    assert np.allclose(model.predict(6, y[:80]), expect)
    assert model.describe() == "detrended + season 4, d=0"
    path = tmp_path / "p.pt"  # type: ignore[operator]
    save_model(model, path)
    again, _ = load_model(path)
    assert np.array_equal(again.predict_paths(y, [80, 85], 5), model.predict_paths(y, [80, 85], 5))


def test_direct_ar_is_least_squares_per_horizon() -> None:
    y = load_dataset("sunspots").values[:250]
    m = DirectAR(3, horizon=4).fit(y)
    h = 3  # row h - 1 regresses y[t + h - 1] on [1, y[t-1], y[t-2], y[t-3]] for t = 3..n-4
    rows = [[1.0, y[t - 1], y[t - 2], y[t - 3]] for t in range(3, len(y) - 4 + 1)]
    target = [y[t + h - 1] for t in range(3, len(y) - 4 + 1)]
    beta = np.linalg.lstsq(np.array(rows), np.array(target), rcond=None)[0]
    assert np.allclose(m.coef[h - 1], beta)
    o = np.array([200, 240])
    expect = np.array([[1.0, y[k - 1], y[k - 2], y[k - 3]] for k in o]) @ beta
    assert np.allclose(m.predict_paths(y, o, 4)[:, h - 1], expect)


def test_auto_learns_a_nonlinear_map_and_saves() -> None:
    """Noisy logistic map: 1-step RMSE near the noise (0.05), far below AutoReg's."""
    y = logistic_map(700)
    auto = AutoForecaster(seed=0, members=3).fit(y[:500])
    ar = LinearAR("aic").fit(y[:500])
    o = np.arange(500, 700)
    rmse = np.sqrt(np.mean((auto.predict_paths(y, o, 1)[:, 0] - y[o]) ** 2))
    rmse_ar = np.sqrt(np.mean((ar.predict_paths(y, o, 1)[:, 0] - y[o]) ** 2))
    assert rmse < 1.3 * 0.05 and rmse < 0.3 * rmse_ar
    assert "hybrid" in auto.choices["neural"] and auto.choices["season"] is None


def test_auto_on_a_seasonal_trend_series(tmp_path: object) -> None:
    y = seasonal_trend()
    auto = AutoForecaster(horizon=12).fit(y[:200])
    c = auto.choices
    assert c["season"] == 12 and c["season_from"] == "ACF peak"
    assert {"kpss_level", "preprocess", "lags", "combined", "neural"} <= set(c)
    o = np.arange(200, 229)
    err = auto.predict_paths(y, o, 12) - np.stack([y[k:k + 12] for k in o])
    assert np.sqrt(np.mean(err**2)) < 0.45  # noise 0.3; a flat forecast is ~1.5
    bounds = auto.interval(0.9, 24)
    assert bounds.shape == (24, 2) and np.all(bounds[:, 0] < 0) and np.all(bounds[:, 1] > 0)
    path = tmp_path / "auto.pt"  # type: ignore[operator]
    save_model(auto, path, extra={"x": 1})
    again, extra = load_model(path)
    assert extra == {"x": 1} and again.choices == auto.choices
    assert np.array_equal(again.predict_paths(y, o, 12), auto.predict_paths(y, o, 12))


def test_the_neural_base_is_the_tests_preprocessing() -> None:
    """The hybrid sits on the AR of the tests' preprocessing even when another AR validated
    better (the nets are chosen on the validation span; the base is not chosen there too); with
    no AR on that preprocessing, the best-ranked AR."""
    from seqlm.series.models.hybrid import HybridAR
    from seqlm.series.models.preprocessed import Preprocessed

    detrended = Preprocessed(HybridAR(2), Differencing(), True)
    seasonal = Preprocessed(HybridAR(2), Differencing(0, 1, 12), False)
    ranked = [(1.0, detrended), (2.0, seasonal)]
    auto = AutoForecaster()
    assert auto._best_ar(ranked, (Differencing(0, 1, 12), False)) is seasonal
    assert auto._best_ar(ranked, (Differencing(1, 0, 1), False)) is detrended


def test_auto_with_the_direct_strategy_only() -> None:
    """strategy="direct": every AR candidate is direct, and there is no recursive AR for the
    neural hybrid to correct, so it is not tried (this failed with 'no linear AR candidate')."""
    y = seasonal_trend()
    auto = AutoForecaster(horizon=6, strategy="direct").fit(y[:200])
    c = auto.choices
    ars = [k for k in c["candidates_fitted"] if k not in ("ets", "arima")
           and not k.startswith("box-cox")]
    assert ars and all(k.endswith(", direct") for k in ars)
    assert c["neural"].startswith("not tried") and "direct" in c["neural"]
    assert auto.predict_paths(y, np.arange(200, 230), 6).shape == (30, 6)
