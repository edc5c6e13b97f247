"""ETS, CSS ARIMA and Box-Cox checked against independent computations: statsmodels' ETSModel
and statsforecast's CSS ARIMA (recorded in tests/fixtures/series_reference.json by
tests/fixtures/series_reference.py), scipy's Box-Cox, and forecasts worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

from seqlm.series.models.arima import ARIMA, Orders, from_pacf, residuals
from seqlm.series.models.boxcox import BoxCox, boxcox, guerrero, inv_boxcox
from seqlm.series.models.ets import ETS, StateSpace
from seqlm.series.models.linear_ar import LinearAR
from seqlm.series.models.validation import cv_errors, errors
from seqlm.series.persist import load_model, save_model

REF = json.loads((Path(__file__).parents[1] / "fixtures" / "series_reference.json").read_text())
ETS_CASES = [(name, i) for name, refs in REF["ets"].items() for i in range(len(refs))]


def _space(r: dict[str, Any]) -> StateSpace:
    return StateSpace(r["trend"], r["season"], r["m"], r["alpha"], r["beta"], r["gamma"], r["phi"])


@pytest.mark.parametrize(("name", "i"), ETS_CASES)
def test_ets_recursion_matches_statsmodels(name: str, i: int) -> None:
    """statsmodels' parameters and initial states through our state space: the same one-step
    fitted values and 12-step forecast."""
    r, y = REF["ets"][name][i], np.array(REF["series"][name])
    sp = _space(r)
    states = sp.states(y, np.array(r["x0"]))
    assert np.allclose(states[:-1] @ sp.w, r["fitted"], rtol=1e-9, atol=1e-9)
    assert np.allclose(states[-1] @ sp.loadings(12).T, r["forecast"], rtol=1e-9)


def test_ets_profiled_initial_state_is_least_squares() -> None:
    """profile() = the errors' least squares over x_0, checked by filtering from its x_0 and
    by perturbing it (any other x_0 gives a larger SSE)."""
    r, y = REF["ets"]["airpassengers"][0], np.array(REF["series"]["airpassengers"])
    sp = _space(r)
    x0, sse = sp.profile(y)
    fitted = sp.states(y, x0)[:-1] @ sp.w
    assert sse == pytest.approx(float(np.sum((y - fitted) ** 2)), rel=1e-8)
    assert sse <= r["sse"] * (1 + 1e-9)  # statsmodels' own x_0 with the same parameters
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = x0 + rng.normal(0, 0.5, len(x0))
        assert float(np.sum((y - sp.states(y, x)[:-1] @ sp.w) ** 2)) > sse


@pytest.mark.parametrize(("name", "i"), ETS_CASES)
def test_ets_fit_is_at_least_as_likely_as_statsmodels(name: str, i: int) -> None:
    """Maximum likelihood with sigma profiled out = least SSE: ours is no worse than
    statsmodels' optimum for the same form (0.1% slack for optimiser tolerance)."""
    r, y = REF["ets"][name][i], np.array(REF["series"][name])
    model = ETS(r["trend"], r["season"], r["m"] if r["season"] != "none" else None).fit(y)
    assert model.sse <= r["sse"] * 1.001
    assert model.params["alpha"] == pytest.approx(r["alpha"], abs=0.1)


def test_ets_form_chosen_by_aicc_and_saved(tmp_path: Path) -> None:
    y = np.array(REF["series"]["woolyrnq"])
    model = ETS("auto", "auto", 4).fit(y[:100])
    assert model.season == "add"  # quarterly wool production: strongly seasonal
    path = tmp_path / "ets.pt"
    save_model(model, path)
    again, _ = load_model(path)
    o = np.arange(100, 110)
    assert np.array_equal(again.predict_paths(y, o, 8), model.predict_paths(y, o, 8))
    assert np.allclose(model.predict_paths(y, [100], 3)[0], model.predict(3, y[:100]))


def test_arima_css_matches_statsforecast() -> None:
    """The same estimator (conditional sum of squares) as statsforecast's ARIMA(method='CSS')."""
    air = np.log(np.array(REF["series"]["airpassengers"]))
    ref = REF["arima"]["log airpassengers"]["coef"]
    model = ARIMA((0, 1, 0, 1, False), d=1, D=1, m=12).fit(air)
    assert np.allclose(model.coef, [ref["ma1"], ref["sma1"]], atol=1e-4)
    lynx = np.array(REF["series"]["lynx"])
    ref = REF["arima"]["lynx"]["coef"]
    model = ARIMA((2, 1, 0, 0, True), d=0, D=0).fit(lynx)
    expect = [ref["ar1"], ref["ar2"], ref["ma1"], ref["intercept"]]
    assert np.allclose(model.coef, expect, rtol=2e-3, atol=2e-3)


def test_arima_forecast_by_hand() -> None:
    """ARIMA(1,1,1) + drift with fixed coefficients: residuals and forecasts by explicit loops."""
    y = np.array([10.0, 12.0, 11.5, 13.0, 14.2, 13.9, 15.1, 16.0])
    phi, theta, mu = 0.5, 0.3, 0.7
    model = ARIMA((1, 1, 0, 0, True), d=1, D=0)
    model.coef = np.array([phi, theta, mu])
    w = np.diff(y)
    e = [0.0]
    for t in range(1, len(w)):
        e.append((w[t] - mu) - phi * (w[t - 1] - mu) - theta * e[-1])
    f1 = mu + phi * (w[-1] - mu) + theta * e[-1]
    f2 = mu + phi * (f1 - mu)
    expect = [y[-1] + f1, y[-1] + f1 + f2]
    assert np.allclose(residuals(w, *model.orders.polys(model.coef, 1)), e)
    assert np.allclose(model.predict(2, y), expect)
    o = np.array([4, 6])  # several origins at once = one at a time
    paths = model.predict_paths(y, o, 3)
    assert np.allclose(paths, np.stack([model.predict(3, y[:k]) for k in o]))


def test_arima_search_is_stationary_and_invertible(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    for _ in range(20):
        a = from_pacf(np.tanh(rng.normal(0, 2, 3)))
        roots = np.roots(np.r_[1.0, -a][::-1])  # of 1 - a1 B - a2 B^2 - a3 B^3
        assert np.all(np.abs(roots) > 1)
    y = np.log(np.array(REF["series"]["airpassengers"]))
    model = ARIMA("aic", d=1, D=1, m=12).fit(y[:120])
    ar, ma, _ = model.orders.polys(model.coef, 12)
    assert np.all(np.abs(np.roots(ar[::-1])) > 1 - 1e-6)
    assert np.all(np.abs(np.roots(ma[::-1])) >= 1 - 1e-6)
    path = tmp_path / "arima.pt"
    save_model(model, path)
    again, _ = load_model(path)
    assert again.name == model.name
    assert np.array_equal(again.predict_paths(y, [120, 130], 12),
                          model.predict_paths(y, [120, 130], 12))
    assert Orders(1, 2, 1, 1, True).size == 6


@pytest.mark.parametrize(("d", "D", "constants"), [(0, 0, {True}), (1, 0, {False, True}),
                                                     (0, 1, {False}), (1, 1, {False})])
def test_arima_search_constant_follows_the_differencing(d: int, D: int, constants: set) -> None:
    """A mean always with no differencing; a drift searched only after a first difference alone
    (after a seasonal difference alone a constant is a linear trend)."""
    assert {o.mean for o in ARIMA("aic", d, D, 4)._grid()} == constants


def test_arima_without_differencing_forecasts_towards_the_mean() -> None:
    """A Nile-like level shift (1100, then 850, 100 values): CSS without a mean fits it by an AR
    root near 1 (AIC preferred arima(2,0,1) with no mean here) and then decays towards 0; the
    mean is now always in, so the far forecast stays at the level."""
    rng = np.random.default_rng(19)
    e = np.zeros(100)
    for t in range(1, 100):
        e[t] = 0.3 * e[t - 1] + rng.normal(0, 120)
    y = np.where(np.arange(100) < 28, 1100.0, 850.0) + e
    model = ARIMA("aic", d=0, D=0).fit(y)
    assert model.orders.mean
    assert abs(model.predict(400, y)[-1] - y.mean()) < y.std()


@pytest.mark.parametrize("lam", [0.0, 0.3, 1.0])
def test_boxcox_matches_scipy_and_inverts(lam: float) -> None:
    y = np.array([0.5, 1.0, 7.0, 130.0])
    assert np.allclose(boxcox(y, lam), stats.boxcox(y, lmbda=lam))
    assert np.allclose(inv_boxcox(boxcox(y, lam), lam), y)


def test_guerrero_lambda_follows_the_spread() -> None:
    rng = np.random.default_rng(0)
    t = np.arange(240)
    level = 50 + 2 * t
    season = np.sin(2 * np.pi * t / 12)
    multiplicative = level * (1 + 0.2 * season) * np.exp(rng.normal(0, 0.02, 240))
    additive = level + 20 * season + rng.normal(0, 1, 240)
    assert guerrero(multiplicative, 12) < 0.2
    assert guerrero(additive, 12) > 0.8


def test_boxcox_model_forecasts_on_the_original_scale() -> None:
    y = np.array(REF["series"]["airpassengers"])
    model = BoxCox(LinearAR(13), 0.0, 12).fit(y[:120])
    inner = LinearAR(13).fit(np.log(y[:120]))
    o = np.array([120, 125])
    assert np.allclose(model.predict_paths(y, o, 6), np.exp(inner.predict_paths(np.log(y), o, 6)))


def test_cv_errors_refit_each_fold() -> None:
    """Fold k's rows are the errors of the model refitted on the values before fold k."""
    y = np.array(REF["series"]["lynx"])
    err, fitted = cv_errors(LinearAR(2), y, 80, 4, folds=2)
    assert err.shape == (len(y) - 80, 4)
    first = LinearAR(2).fit(y[:80])
    assert np.allclose(fitted.coef, first.coef)
    assert np.allclose(err[:17], errors(first, y, np.arange(80, 97), 4), equal_nan=True)
    second = LinearAR(2).fit(y[:97])
    assert np.allclose(err[17:], errors(second, y, np.arange(97, len(y)), 4), equal_nan=True)


@pytest.mark.parametrize("combine", ["auto", "top", "cv"])
def test_auto_ranks_classical_candidates_and_combines_the_best(combine: str) -> None:
    """ETS, ARIMA and their Box-Cox versions are scored beside the ARs; the forecast is the mean
    of the 6 best on validation ("top"), or of the k best, k the one whose mean validated best
    ("cv"); "auto" (the default) is "cv" at step 1 and "top" after it."""
    from seqlm.series.models import AutoForecaster
    from seqlm.series.models.auto import COMBINE

    y = np.array(REF["series"]["airpassengers"])[:132]
    auto = AutoForecaster(horizon=12, season=12, neural=False, combine=combine).fit(y)
    c = auto.choices
    scores = c["candidates_valid_rmse"]
    assert {"ets", "arima"} <= set(scores)
    assert any(k.startswith("box-cox(") for k in scores)
    ranked = [c["candidates_fitted"][name] for name in sorted(scores, key=lambda n: scores[n])]
    k = int(np.argmin(c["combine_valid_rmse"])) + 1 if combine != "top" else 0
    assert c["combined"] == ranked[:k if combine == "cv" else COMBINE]
    if combine != "auto":
        assert "combined_h1" not in c
        return
    assert c["combined_h1"] == ranked[:k]
    # step 1 from the k best, later steps from the 6 best, each the plain mean of its members
    origins = np.arange(120, 132)
    y_all = np.array(REF["series"]["airpassengers"])
    paths = auto.predict_paths(y_all, origins, 3)
    model = auto.model
    assert model.short is not None and model.short_steps == 1
    first = np.mean([m.predict_paths(y_all, origins, 3) for m in model.short.members], axis=0)
    rest = np.mean([m.predict_paths(y_all, origins, 3) for m in model.members], axis=0)
    assert np.allclose(paths[:, 0], first[:, 0]) and np.allclose(paths[:, 1:], rest[:, 1:])
