"""Bench: seqlm's ``auto`` beside AutoReg(AIC), SARIMA and ETS (statsmodels) and statsforecast's
AutoARIMA / AutoETS on the same rolling-origin windows (issue 14).

Series: pmdarima's bundled airpassengers, wineind, woolyrnq, austres, lynx, taylor (hourly
means of its half-hourly values, last 30 days), statsmodels' sunspots and co2 (monthly), and
synthetic families (seqlm.series.families: AR(3), seasonal+trend, noisy logistic map, SETAR,
random walk, regime switch). Each model is fitted once on the values before the test span (the
last 20%, at least H + 20 values) and forecasts h = 1..H from every origin in the test span
with the fitted parameters (statsmodels: ``apply``; statsforecast: ``forward``). SARIMA is
statsmodels' SARIMAX with orders chosen by pmdarima's stepwise AIC search (auto_arima, which
fits SARIMAX; ``--quick``: SARIMA(1,d,1)(0,D,1)_m with d and D from the KPSS/seasonal-strength
tests, no order search); ETS is statsmodels' state-space exponential smoothing, trend
(damped) and season chosen by AIC; AutoReg's maximum lag is auto's (max(12, 2m + 1)).

Printed: 1-step and pooled h = 1..H RMSE per model, auto's ratio to the best of AutoReg/SARIMA/
ETS (and, when run, to the best of statsforecast's AutoARIMA/AutoETS), the geometric means,
the nonlinear series against their oracle, 10 seeds of auto on three series (worst / median),
auto's fit time on a 600-point monthly series and the latent GRU's on 1,000 values (process
CPU time).

``--more`` adds 19 series the default set does not hold: pmdarima's ausbeer and heartrate,
statsmodels' Nile flows, El Niño temperatures and three quarterly US macro series (real GDP, CPI,
unemployment), and the synthetic families again with seeds 1 and 2 (used while developing auto
on 2026-12-02). ``--unseen`` runs, instead of all of those, 20 series that were not: five more
US macro series, German inflation, pmdarima's monthly sunspots (last 600) and Microsoft's closing
price (last 500), and the families with seeds 3 and 4. ``--combine`` sets auto's combination
rule (auto, top or cv), to compare them on the same windows. ``--bounds`` adds what simpler
uses of the references reach against the same per-series best (their mean; the one with the
lowest error on the last quarter of the training values) and, on the synthetic series, the
true model's forecasts (``Family.oracle_paths``): the best any forecaster can do.

    python bench/series_auto.py [--quick] [--statsforecast] [--more | --unseen] [--combine cv]
                                [--bounds] [--threads 1]
"""

from __future__ import annotations

import math
import os
import platform
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchutil import machine_line, parser

BENCH = {"quick": ["--quick", "--threads", "1"], "full": [["--threads", "1"]], "quick_s": 90}
H = 12
Fit = Callable[[np.ndarray, int | None], Callable[[np.ndarray, np.ndarray, int], np.ndarray]]


def real_series(quick: bool) -> dict[str, tuple[np.ndarray, int | None]]:
    from seqlm.series.datasets import load_dataset

    out: dict[str, tuple[np.ndarray, int | None]] = {}
    try:
        from pmdarima import datasets as pm

        out |= {"airpassengers": (pm.load_airpassengers(), 12), "wineind": (pm.load_wineind(), 12),
                "woolyrnq": (pm.load_woolyrnq(), 4), "austres": (pm.load_austres(), 4),
                "lynx": (pm.load_lynx(), None)}
        if not quick:
            taylor = np.asarray(pm.load_taylor(), dtype=float)
            out["taylor (hourly, 30 days)"] = (taylor.reshape(-1, 2).mean(1)[-720:], 24)
    except ImportError:
        print("pmdarima is not installed (pip install pmdarima): its datasets are skipped")
    out["sunspots"] = (load_dataset("sunspots").values, None)
    out["co2 (monthly)"] = (load_dataset("co2").values, 12)
    return {k: (np.asarray(v, dtype=float), m) for k, (v, m) in out.items()}


def more_series() -> dict[str, tuple[np.ndarray, int | None]]:
    """--more: real series bundled with pmdarima and statsmodels (no download)."""
    import statsmodels.api as sm

    out: dict[str, tuple[np.ndarray, int | None]] = {}
    try:
        from pmdarima import datasets as pm

        beer = np.asarray(pm.load_ausbeer(), dtype=float)
        out |= {"ausbeer": (beer[np.isfinite(beer)], 4),
                "heartrate": (np.asarray(pm.load_heartrate(), dtype=float), None)}
    except ImportError:
        print("pmdarima is not installed (pip install pmdarima): ausbeer/heartrate skipped")
    ds = sm.datasets
    out["nile"] = (ds.nile.load_pandas().data["volume"].to_numpy(float), None)
    out["elnino (monthly)"] = (ds.elnino.load_pandas().data.iloc[:, 1:13].to_numpy(float).ravel(),
                               12)
    macro = ds.macrodata.load_pandas().data
    out |= {f"US {k} (quarterly)": (macro[k].to_numpy(float), 4)
            for k in ("realgdp", "cpi", "unemp")}
    return out


def unseen_series() -> dict[str, tuple[np.ndarray, int | None]]:
    """--unseen: bundled real series not used while developing auto (2026-12-02)."""
    import statsmodels.api as sm

    macro = sm.datasets.macrodata.load_pandas().data
    out: dict[str, tuple[np.ndarray, int | None]] = {
        f"US {k} (quarterly)": (macro[k].to_numpy(float), 4)
        for k in ("realcons", "realinv", "m1", "tbilrate", "infl")}
    rates = sm.datasets.interest_inflation.load_pandas().data
    out["German inflation (quarterly)"] = (rates["Dp"].to_numpy(float), 4)
    try:
        from pmdarima import datasets as pm

        out["sunspots (monthly, last 600)"] = (np.asarray(pm.load_sunspots(), float)[-600:], None)
        out["msft close (last 500)"] = (np.asarray(pm.load_msft()["Close"], float)[-500:], None)
    except ImportError:
        print("pmdarima is not installed (pip install pmdarima): its datasets are skipped")
    return out


def synthetic_series(seed: int) -> dict[str, Any]:
    from seqlm.series import families as f

    return {fam.name: fam for fam in (f.ar_process(seed=seed), f.seasonal_trend(seed=seed),
                                      f.logistic_map(seed=seed), f.setar(seed=seed),
                                      f.random_walk(seed=seed), f.regime_switch(seed=seed))}


def max_lags(m: int | None, n_train: int) -> int:
    return max(1, min(max(12, 2 * (m or 0) + 1), n_train // 3))


# ----- models: each returns predict(y, origins, horizon) -> (len(origins), horizon)
COMBINE = ["auto"]  # --combine


def fit_auto(y: np.ndarray, m: int | None, seed: int = 0) -> Any:
    from seqlm.series.models import AutoForecaster

    model = AutoForecaster(horizon=H, season=m, seed=seed, combine=COMBINE[0]).fit(y)
    return model.predict_paths


def fit_autoreg(y: np.ndarray, m: int | None) -> Any:
    from statsmodels.tsa.ar_model import AutoReg, ar_select_order

    sel = ar_select_order(y, maxlag=max_lags(m, len(y)), ic="aic", trend="c")
    lags = max(sel.ar_lags) if sel.ar_lags else 0
    res = AutoReg(y, lags=lags, trend="c").fit()
    c, a = res.params[0], res.params[1:]

    def predict(full: np.ndarray, origins: np.ndarray, h: int) -> np.ndarray:
        out = np.empty((len(origins), h))
        for i, o in enumerate(origins):
            hist = list(full[:o])
            for j in range(h):
                v = c + sum(a[k] * hist[-k - 1] for k in range(lags))
                out[i, j] = v
                hist.append(v)
        return out

    return predict


def _apply_loop(res: Any) -> Any:
    def predict(full: np.ndarray, origins: np.ndarray, h: int) -> np.ndarray:
        return np.stack([np.asarray(res.apply(full[:o]).forecast(h)) for o in origins])

    return predict


def fit_sarima_fixed(y: np.ndarray, m: int | None) -> Any:
    """--quick: SARIMA(1,d,1)(0,D,1)_m with d from KPSS and D from the seasonal strength (the
    tests auto uses), so the quick run does not spend minutes in the order search."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    from seqlm.series import stattests

    d = 0 if stattests.is_stationary(y) else 1
    D = int(bool(m) and stattests.seasonal_strength(np.diff(y) if d else y, m or 1) >= 0.64)
    seasonal = (0, D, 1, m) if m and D else (0, 0, 0, 0)
    res = SARIMAX(y, order=(1, d, 1), seasonal_order=seasonal,
                  trend="c" if d + D == 0 else "n").fit(disp=False)
    return _apply_loop(res)


def fit_sarima(y: np.ndarray, m: int | None) -> Any:
    import pmdarima

    model = pmdarima.auto_arima(y, m=m or 1, seasonal=bool(m), suppress_warnings=True,
                                error_action="ignore", stepwise=True)
    return _apply_loop(model.arima_res_)


def fit_ets(y: np.ndarray, m: int | None) -> Any:
    from statsmodels.tsa.statespace.exponential_smoothing import ExponentialSmoothing

    best = None
    for trend in (False, True):
        for seasonal in ((None, m) if m and len(y) >= 2 * m + 2 else (None,)):
            try:
                res = ExponentialSmoothing(y, trend=trend, damped_trend=trend,
                                           seasonal=seasonal).fit(disp=False)
            except Exception:
                continue
            if best is None or res.aic < best.aic:
                best = res
    return _apply_loop(best)


def fit_statsforecast(kind: str) -> Any:
    def fit(y: np.ndarray, m: int | None) -> Any:
        from statsforecast.models import AutoARIMA, AutoETS

        cls = AutoARIMA if kind == "arima" else AutoETS
        model = cls(season_length=m or 1).fit(y)

        def predict(full: np.ndarray, origins: np.ndarray, h: int) -> np.ndarray:
            return np.stack([model.forward(full[:o], h=h)["mean"] for o in origins])

        return predict

    return fit


CLASSICAL: dict[str, Any] = {"AutoReg(AIC)": fit_autoreg, "SARIMA": fit_sarima, "ETS": fit_ets}
EXTRA: dict[str, Any] = {"sf.AutoARIMA": fit_statsforecast("arima"),
                         "sf.AutoETS": fit_statsforecast("ets")}


def scores(predict: Any, y: np.ndarray, start: int) -> tuple[float, float]:
    origins = np.arange(start, len(y) - H + 1)
    paths = predict(y, origins, H)
    truth = y[origins[:, None] + np.arange(H)]
    one = math.sqrt(float(np.mean((paths[:, 0] - truth[:, 0]) ** 2)))
    return one, math.sqrt(float(np.mean((paths - truth) ** 2)))


def test_start(n: int) -> int:
    return n - max(H + 20, n // 5)


def run_series(name: str, y: np.ndarray, m: int | None, models: dict[str, Any],
               oracle: Any = None) -> dict[str, tuple[float, float]]:
    """Every model's (1-step, h = 1..H) RMSE on the test span; ``oracle`` (a family's
    ``oracle_paths``): the true model's, the best any forecaster can do in expectation."""
    start = test_start(len(y))
    out: dict[str, tuple[float, float]] = {}
    for label, fit in models.items():
        t0 = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out[label] = scores(fit(y[:start], m), y, start)
            except Exception as exc:
                print(f"  {name}: {label} failed ({type(exc).__name__}: {exc})")
                continue
        print(f"  {name:<26} {label:<17} 1-step {out[label][0]:>10.4g}  h=1..{H} "
              f"{out[label][1]:>10.4g}  ({time.process_time() - t0:.1f} s CPU)", flush=True)
    if oracle is not None:
        out["oracle"] = scores(lambda _y, origins, h: oracle(origins, h), y, start)
    return out


def fit_mean_of(fits: dict[str, Any]) -> Any:
    """--bounds: the equal-weight mean of the references' forecasts."""
    def fit(y: np.ndarray, m: int | None) -> Any:
        preds = [f(y, m) for f in fits.values()]
        return lambda full, origins, h: np.mean([p(full, origins, h) for p in preds], axis=0)

    return fit


def fit_validation_choice(fits: dict[str, Any]) -> Any:
    """--bounds: the reference with the lowest h = 1..H RMSE on the last quarter of the
    training values (fitted before it), refitted on all of them."""
    def valid(f: Any, y: np.ndarray, m: int | None, start: int) -> float:
        try:
            return scores(f(y[:start], m), y, start)[1]
        except Exception:
            return math.inf

    def fit(y: np.ndarray, m: int | None) -> Any:
        start = len(y) - max(H + 8, round(0.25 * len(y)))
        return fits[min(fits, key=lambda k: valid(fits[k], y, m, start))](y, m)

    return fit


def ratios(results: dict[str, dict[str, tuple[float, float]]], subject: str,
           references: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Per series: ``subject``'s (1-step, h = 1..H) RMSE over the best reference's."""
    out = {}
    for name, r in results.items():
        ref = [v for k, v in r.items() if k in references]
        if subject in r and ref:
            out[name] = (r[subject][0] / min(v[0] for v in ref),
                         r[subject][1] / min(v[1] for v in ref))
    return out


def summary(rows: dict[str, tuple[float, float]], i: int) -> tuple[float, float]:
    """(geometric mean, worst) of the ratios in column ``i``."""
    v = [r[i] for r in rows.values()]
    return (math.exp(float(np.mean(np.log(v)))), max(v)) if v else (math.nan, math.nan)


def report(results: dict[str, dict[str, tuple[float, float]]],
           references: dict[str, Any] = CLASSICAL) -> None:
    print(f"\nauto / best of {', '.join(references)} (target <= 1.05 each, <= 0.95 geo-mean)")
    print(f"{'series':<26} {'1-step':>8} {'h=1..12':>8}   best reference (h=1..12)")
    rows = ratios(results, "auto", references)
    for name, row in rows.items():
        ref = {k: v for k, v in results[name].items() if k in references}
        best_name = min(ref, key=lambda k: ref[k][1])
        print(f"{name:<26} {row[0]:>8.3f} {row[1]:>8.3f}   {best_name}")
    for i, what in ((0, "1-step"), (1, f"h=1..{H}")):
        g, worst = summary(rows, i)
        print(f"geometric mean {what}: {g:.3f}; worst {worst:.3f}")
    if references is not CLASSICAL:
        return
    print("\nnonlinear series, 1-step RMSE: auto / oracle (target <= 1.2), auto / AutoReg "
          "(target <= 0.3)")
    for name, r in results.items():
        if "oracle" in r and ("logistic" in name or "SETAR" in name):
            print(f"{name:<26} {r['auto'][0] / r['oracle'][0]:>8.3f} "
                  f"{r['auto'][0] / r['AutoReg(AIC)'][0]:>8.3f}")


def bounds(results: dict[str, dict[str, tuple[float, float]]]) -> None:
    """--bounds: the same ratio for simple uses of the references and, on the synthetic series,
    for the true model: how far the target is from what any forecaster reaches."""
    subjects = ["auto", "sf.AutoARIMA/ETS", "validation choice", "mean of 3", "oracle"]
    for r in results.values():
        sf = [r[k] for k in EXTRA if k in r]
        if sf:  # the better of statsforecast's two on this test span (a hindsight choice)
            r["sf.AutoARIMA/ETS"] = min(sf, key=lambda v: v[1])
    table = {s: ratios(results, s, CLASSICAL) for s in subjects}
    print(f"\nratio to the per-series best of {', '.join(CLASSICAL)} (chosen on the test span), "
          f"h=1..{H}; the oracle is the true model of a synthetic series")
    print(f"{'series':<30}" + "".join(f"{s:>19}" for s in subjects))
    for name in results:
        cells = [table[s].get(name) for s in subjects]
        print(f"{name:<30}" + "".join(f"{c[1]:>19.3f}" if c else f"{'':>19}" for c in cells))
    for i, what in ((0, "1-step"), (1, f"h=1..{H}")):
        for j, label in ((0, "geo-mean"), (1, "worst")):
            cells = [summary(table[s], i)[j] if table[s] else math.nan for s in subjects]
            print(f"{label + ' ' + what:<30}" + "".join(f"{c:>19.3f}" for c in cells))
    synthetic = [n for n in results if "oracle" in results[n]]
    for s in ("auto", "oracle"):
        rows = {n: v for n, v in table[s].items() if n in synthetic}
        g, worst = summary(rows, 1)
        print(f"{s} on the {len(rows)} synthetic series, h=1..{H}: geo-mean {g:.3f}, "
              f"worst {worst:.3f}")


def stability(seeds: int) -> None:
    from seqlm.series import families as f

    print(f"\nauto over {seeds} seeds (same data, model seed varies): worst / median "
          f"h=1..{H} RMSE (target <= 1.1), NaN count")
    for fam in (f.logistic_map(seed=0), f.setar(seed=0), f.seasonal_trend(seed=0)):
        y = fam.values
        start = test_start(len(y))
        runs = [scores(fit_auto(y[:start], fam.season, seed=s), y, start)[1]
                for s in range(seeds)]
        med = float(np.median(runs))
        print(f"{fam.name:<26} worst/median {max(runs) / med:.3f}  NaN "
              f"{int(np.sum(~np.isfinite(runs)))}  (median {med:.4g})", flush=True)


def fit_time() -> None:
    from seqlm.series import families as f

    y = f.seasonal_trend(n=600, seed=0).values
    t0, w0 = time.process_time(), time.perf_counter()
    fit_auto(y, None)
    print(f"\nauto fit on a 600-point monthly series (season detected): "
          f"{time.process_time() - t0:.1f} s CPU, {time.perf_counter() - w0:.1f} s wall "
          f"(target <= 15 s)")
    from seqlm.series import synthetic
    from seqlm.series.build import build_model

    gru = build_model("latent", seed=0, device="cpu")
    z = synthetic(T=1000, seed=0).values
    t0, w0 = time.process_time(), time.perf_counter()
    gru.fit(z[:900], z[900:])
    print(f"latent GRU (CLI defaults) fit on a 1,000-point series: "
          f"{time.process_time() - t0:.1f} s CPU, {time.perf_counter() - w0:.1f} s wall "
          f"(target <= 10 s)")


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--statsforecast", action="store_true",
                   help="also statsforecast's AutoARIMA/AutoETS in --quick (the full run has them)")
    p.add_argument("--more", action="store_true",
                   help="19 more series: bundled real ones and the families with seeds 1 and 2")
    p.add_argument("--unseen", action="store_true",
                   help="only the 20 series not used while developing auto (see the docstring)")
    p.add_argument("--combine", choices=("auto", "top", "cv"), default="auto",
                   help="auto's combination rule (default: auto)")
    p.add_argument("--bounds", action="store_true",
                   help="also the references' mean and validation choice, and the true model")
    args = p.parse_args()
    COMBINE[0] = args.combine
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    print(machine_line())
    print(f"cpu: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    if args.quick:
        CLASSICAL["SARIMA"] = fit_sarima_fixed
    models = {"auto": fit_auto, **CLASSICAL}
    if not args.quick or args.statsforecast:
        try:
            import statsforecast  # noqa: F401

            models |= EXTRA
        except ImportError:
            print("statsforecast is not installed (pip install statsforecast): skipped")
    if args.bounds:
        models |= {"validation choice": fit_validation_choice(dict(CLASSICAL)),
                   "mean of 3": fit_mean_of(dict(CLASSICAL))}
    results: dict[str, dict[str, tuple[float, float]]] = {}
    real = unseen_series() if args.unseen else real_series(args.quick) | (
        more_series() if args.more else {})
    for name, (y, m) in real.items():
        results[name] = run_series(name, y, m, models, None)
    seeds = (3, 4) if args.unseen else (0, 1, 2) if args.more else (0,)
    for seed in (args.seed + s for s in seeds):
        for name, fam in synthetic_series(seed).items():
            label = name if seed == args.seed else f"{name}, seed {seed}"
            results[label] = run_series(label, fam.values, fam.season, models,
                                         fam.oracle_paths)
    report(results)
    if any(k in r for r in results.values() for k in EXTRA):
        report(results, EXTRA)
    if args.bounds:
        bounds(results)
    stability(3 if args.quick else 10)
    fit_time()
    print(machine_line())


if __name__ == "__main__":
    main()
