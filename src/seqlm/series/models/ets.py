"""ETS: exponential smoothing with additive errors, fitted by maximum likelihood.

State x_t = [l_t, b_t, s_t, s_{t-1}, ..., s_{t-m+1}] (trend and season optional); the one-step
forecast is yhat_t = l_{t-1} + phi b_{t-1} + s_{t-m}, e_t = y_t - yhat_t, and
l_t = l_{t-1} + phi b_{t-1} + alpha e_t, b_t = phi b_{t-1} + beta e_t, s_t = s_{t-m} + gamma e_t
(Hyndman et al. 2008: ETS(A,N/A/Ad,N/A)). With sigma profiled out the Gaussian likelihood is
maximal where the SSE is minimal; for fixed (alpha, beta, gamma, phi) the errors are linear in
x_0, so x_0 comes from least squares and only the smoothing parameters are searched. The form
(trend none/additive/damped, season none/additive) is chosen by AICc when not given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import minimize

from seqlm.errors import ConfigError, DataError
from seqlm.series.data import as_values
from seqlm.series.models.base import Forecaster
from seqlm.series.models.registry import register

TRENDS = ("none", "add", "damped")
SEASONS = ("none", "add")
PHI_RANGE = (0.8, 0.98)  # damping bounds of Hyndman & Athanasopoulos


class StateSpace:
    """The matrices (w, F, g) of one ETS form for given smoothing parameters."""

    def __init__(self, trend: str, season: str, m: int, alpha: float, beta: float = 0.0,
                 gamma: float = 0.0, phi: float = 1.0) -> None:
        tr, se = trend != "none", season != "none"
        k = 1 + tr + (m if se else 0)
        self.k, self.w, self.F, self.g = k, np.zeros(k), np.zeros((k, k)), np.zeros(k)
        self.w[0] = self.F[0, 0] = 1.0
        self.g[0] = alpha
        if tr:
            self.w[1] = self.F[0, 1] = self.F[1, 1] = phi
            self.g[1] = beta
        if se:
            j = 1 + tr
            self.w[-1] = self.F[j, k - 1] = 1.0
            self.F[np.arange(j + 1, k), np.arange(j, k - 1)] = 1.0
            self.g[j] = gamma

    def profile(self, y: np.ndarray) -> tuple[np.ndarray, float]:
        """The least-squares initial state x_0 and the SSE it gives.

        With D = F - g w', x_t = D^t x_0 + sum_{j<t} D^(t-1-j) g y_j, so
        yhat_t = (w' D^t) x_0 + sum_{j<t} c_(t-1-j) y_j with c_i = w' D^i g."""
        n = len(y)
        rows = self.powers(self.F - np.outer(self.g, self.w), n)
        c = rows @ self.g
        a = y.copy()
        a[1:] -= np.convolve(c, y)[:n - 1]
        if not (np.all(np.isfinite(rows)) and np.all(np.isfinite(a))):
            return np.zeros(self.k), math.inf
        x0, *_ = np.linalg.lstsq(rows, a, rcond=None)
        r = a - rows @ x0
        return x0, float(r @ r)

    def powers(self, D: np.ndarray, n: int) -> np.ndarray:
        """(n, k): row t is w' D^t (by doubling: rows [2^i, 2^(i+1)) = rows [0, 2^i) D^(2^i))."""
        out = np.empty((n, self.k))
        out[0] = self.w
        done, P = 1, D
        with np.errstate(over="ignore", invalid="ignore"):
            while done < n:
                step = min(done, n - done)
                out[done:done + step] = out[:step] @ P
                done += step
                P = P @ P
        return out

    def states(self, y: np.ndarray, x0: np.ndarray) -> np.ndarray:
        """(len(y) + 1, k): row t is the state after observing y[:t]."""
        out = np.empty((len(y) + 1, self.k))
        x = out[0] = x0
        for t in range(len(y)):
            x = self.F @ x + self.g * (y[t] - self.w @ x)
            out[t + 1] = x
        return out

    def loadings(self, horizon: int) -> np.ndarray:
        """(horizon, k): row h-1 is w' F^(h-1), so yhat_{t+h} = row . x_t."""
        out = np.empty((horizon, self.k))
        v = self.w.copy()
        for h in range(horizon):
            out[h] = v
            v = v @ self.F
        return out


def _unpack(theta: np.ndarray, trend: str, season: str) -> dict[str, float]:
    """theta = (alpha, [u, phi], [v]) of the form's free parameters; beta = alpha * u <= alpha
    and gamma = (1 - alpha) * v <= 1 - alpha (the usual region)."""
    p, i = {"alpha": float(theta[0])}, 1
    if trend != "none":
        p["beta"], i = float(theta[0] * theta[1]), 2
        if trend == "damped":
            p["phi"], i = float(theta[2]), 3
    if season != "none":
        p["gamma"] = float((1 - theta[0]) * theta[i])
    return p


@dataclass
class ETSConfig:
    """Trend none/add/damped/auto, season none/add/auto (auto: by AICc), season length m."""

    trend: str = "auto"
    season: str = "auto"
    m: int | None = None


@register("ets", config=ETSConfig)
class ETS(Forecaster):
    """ETS(A, trend, season) with ``trend`` none/add/damped/auto and ``season`` none/add/auto
    (auto: the form with the lowest AICc); ``m`` is the season length."""

    def __init__(self, trend: str = "auto", season: str = "auto", m: int | None = None) -> None:
        if trend not in (*TRENDS, "auto") or season not in (*SEASONS, "auto"):
            raise ConfigError(f"ets: trend must be one of {TRENDS} or auto, season one of "
                              f"{SEASONS} or auto; got {trend!r}, {season!r}")
        if season == "add" and (m is None or m < 2):
            raise ConfigError(f"ets: an additive season needs a period m >= 2, got {m!r}")
        self.trend, self.season, self.m = trend, season, m or 1
        self.params: dict[str, float] = {}
        self.x0: np.ndarray | None = None
        self.sse, self.aicc = math.nan, math.nan

    @classmethod
    def from_config(cls, config: ETSConfig) -> ETS:
        return cls(config.trend, config.season, config.m)

    @property
    def config(self) -> ETSConfig:
        return ETSConfig(self.trend, self.season, self.m if self.m >= 2 else None)

    @classmethod
    def from_options(cls, opts: dict[str, Any]) -> ETS:
        """Built by name (CLI): the form by AICc, the season from ``--season``."""
        return cls("auto", "auto", opts.get("season"))

    @property
    def name(self) -> str:  # type: ignore[override]
        t = {"none": "N", "add": "A", "damped": "Ad"}.get(self.trend, "?")
        s = {"none": "N", "add": "A"}.get(self.season, "?")
        return f"ets(A,{t},{s})" + (f"[{self.m}]" if self.season == "add" else "")

    def space(self) -> StateSpace:
        return StateSpace(self.trend, self.season, self.m, **self.params)

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None) -> ETS:
        y = as_values(y_train, "y_train")
        forms = [(t, s) for t in (TRENDS if self.trend == "auto" else (self.trend,))
                 for s in (SEASONS if self.season == "auto" else (self.season,))
                 if s == "none" or (self.m >= 2 and len(y) >= 2 * self.m + 4)]
        best: tuple[float, str, str, dict[str, float], np.ndarray, float] | None = None
        for t, s in forms:
            params, x0, sse = self._fit_form(y, t, s)
            aicc = _aicc(sse, len(y), len(params) + len(x0) + 1 - (s != "none"))
            if best is None or aicc < best[0]:
                best = (aicc, t, s, params, x0, sse)
        if best is None:
            raise DataError(f"ets: {len(y)} values are too few for a seasonal model "
                            f"(period {self.m})")
        self.aicc, self.trend, self.season, self.params, self.x0, self.sse = best
        return self

    def _fit_form(self, y: np.ndarray, trend: str,
                  season: str) -> tuple[dict[str, float], np.ndarray, float]:
        if len(y) < 4 + (2 * self.m if season != "none" else 0):
            raise DataError(f"ets: {len(y)} values are too few for {trend} trend, "
                            f"{season} season")

        def sse(theta: np.ndarray) -> float:
            p = _unpack(theta, trend, season)
            return StateSpace(trend, season, self.m, **p).profile(y)[1]

        unit = (1e-4, 0.9999)
        bounds = [unit] + [unit] * (trend != "none") + [PHI_RANGE] * (trend == "damped") + [
            unit] * (season != "none")
        scale = float(np.var(y)) * len(y) or 1.0
        runs = [minimize(lambda th: min(sse(th) / scale, 1e6),
                         np.array([a0] + [0.95 if b == PHI_RANGE else b0 for b in bounds[1:]]),
                         method="L-BFGS-B", bounds=bounds)
                for a0, b0 in ((0.5, 0.1), (0.1, 0.1))]
        runs = [r for r in runs if r.fun < 1e6]
        if not runs:
            raise DataError(f"ets: no stable {trend} trend, {season} season fit")
        p = _unpack(min(runs, key=lambda r: r.fun).x, trend, season)
        x0, err = StateSpace(trend, season, self.m, **p).profile(y)
        return p, x0, err

    def frozen(self) -> ETS:
        """An unfitted copy with the form fixed (a refit re-estimates the parameters)."""
        return ETS(self.trend, self.season, self.m)

    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        if self.x0 is None:
            raise ConfigError(f"{self.name} is not fitted; call fit first")
        sp = self.space()
        return sp.states(y[:int(origins.max(initial=0))], self.x0)[origins] @ sp.loadings(
            horizon).T

    def meta(self) -> dict[str, Any]:
        if self.x0 is None:
            raise ConfigError(f"{self.name} is not fitted; call fit first")
        return {"trend": self.trend, "season": self.season, "m": self.m, "params": self.params,
                "x0": self.x0.tolist(), "sse": self.sse, "aicc": self.aicc}

    @classmethod
    def restore(cls, meta: dict[str, Any], state: dict[str, Any]) -> ETS:
        model = cls(str(meta["trend"]), str(meta["season"]), int(meta["m"]))
        model.params = {str(k): float(v) for k, v in dict(meta["params"]).items()}
        model.x0 = np.array(meta["x0"], dtype=np.float64)
        if model.x0.shape != (model.space().k,):
            raise DataError("ets model file: the initial state does not match the form")
        model.sse, model.aicc = float(meta["sse"]), float(meta["aicc"])
        return model


def _aicc(sse: float, n: int, k: int) -> float:
    """AICc of a Gaussian model with SSE ``sse`` on n values and k estimated parameters."""
    loglik = -0.5 * n * (math.log(2 * math.pi * max(sse, 1e-300) / n) + 1)
    return -2 * loglik + 2 * k + (2 * k * (k + 1) / (n - k - 1) if n > k + 1 else math.inf)
