"""Seasonal ARIMA(p,d,q)(P,D,Q)_m fitted by conditional sum of squares (CSS).

w = (1 - B)^d (1 - B^m)^D y (series/transform.Differencing) follows
phi(B) Phi(B^m) (w_t - mu) = theta(B) Theta(B^m) e_t; the residuals e of given coefficients come
from one linear filter (e_t = 0 before the first full AR window), and the coefficients minimise
their sum of squares (Gaussian likelihood conditional on the first values; Box & Jenkins ch. 7).
Forecasts set future errors to zero and undo the differencing. ``order="aic"`` searches
p, q <= 2, P, Q <= 1 and a drift (after a first difference alone) by AIC on a common residual
span. With no differencing the mean is always estimated: CSS conditions on the first values, so
a model without it can fake the level by an AR root near 1 and then forecast a decay towards
zero. After a seasonal difference alone there is no constant: it would be a linear trend, which
the level test that left d = 0 has ruled out.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import least_squares
from scipy.signal import lfilter

from seqlm.errors import ConfigError, DataError
from seqlm.series import stattests
from seqlm.series.data import as_values
from seqlm.series.models.base import Forecaster
from seqlm.series.models.registry import register
from seqlm.series.transform import Differencing


def from_pacf(r: np.ndarray) -> np.ndarray:
    """AR coefficients (x_t = sum_i a_i x_{t-i} + e_t) of the stationary process whose partial
    autocorrelations are ``r`` in (-1, 1) (Durbin-Levinson; Jones 1980)."""
    a = np.zeros(0)
    for rk in r:
        a = np.r_[a - rk * a[::-1], rk]
    return a


def lag_poly(coefs: np.ndarray, step: int, sign: float) -> np.ndarray:
    """1 + sign * sum_i c_i B^(i * step) as coefficients in powers of B."""
    out = np.zeros(len(coefs) * step + 1)
    out[0] = 1.0
    out[step::step] = sign * np.asarray(coefs, dtype=np.float64)
    return out


class Orders:
    """(p, q, P, Q, mean) and how a coefficient vector splits into them."""

    def __init__(self, p: int, q: int, P: int = 0, Q: int = 0, mean: bool = False) -> None:
        self.p, self.q, self.P, self.Q, self.mean = p, q, P, Q, mean

    @property
    def size(self) -> int:
        return self.p + self.q + self.P + self.Q + int(self.mean)

    def polys(self, coef: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray, float]:
        """AR polynomial phi(B) Phi(B^m), MA polynomial theta(B) Theta(B^m), and mu."""
        c = np.split(np.asarray(coef, dtype=np.float64),
                     np.cumsum([self.p, self.q, self.P, self.Q]))
        ar = np.convolve(lag_poly(c[0], 1, -1.0), lag_poly(c[2], m, -1.0))
        ma = np.convolve(lag_poly(c[1], 1, 1.0), lag_poly(c[3], m, 1.0))
        return ar, ma, float(c[4][0]) if self.mean else 0.0

    def constrain(self, u: np.ndarray) -> np.ndarray:
        """Free values -> coefficients of a stationary AR and invertible MA (mean unchanged)."""
        parts = np.split(np.asarray(u, dtype=np.float64),
                         np.cumsum([self.p, self.q, self.P, self.Q]))
        signs = (1.0, -1.0, 1.0, -1.0)  # theta(B) = 1 + sum theta_i B^i is invertible when
        # -theta are the coefficients of a stationary AR
        return np.concatenate([s * from_pacf(np.tanh(x)) for s, x in zip(signs, parts[:4],
                                                                      strict=True)] + [parts[4]])

    def text(self) -> str:
        return f"({self.p},{self.q})({self.P},{self.Q})" + (" + mean" if self.mean else "")


def residuals(w: np.ndarray, ar: np.ndarray, ma: np.ndarray, mu: float) -> np.ndarray:
    """e_t for every t (0 before index len(ar) - 1, where the first full AR window ends)."""
    r = len(ar) - 1
    e = np.zeros(len(w))
    if len(w) > r:
        e[r:] = lfilter([1.0], ma, np.convolve(w - mu, ar, mode="valid"))
    return e


@dataclass
class ARIMAConfig:
    """``orders`` (p, q, P, Q) and ``mean``, or None: searched by AIC; differences d, D of
    period m (None: by the KPSS test and the seasonal strength on the training values)."""

    orders: tuple[int, ...] | None = None
    mean: bool = False
    d: int | None = None
    D: int | None = None
    m: int = 1

    def __post_init__(self) -> None:
        if self.orders is not None and (len(self.orders) != 4 or min(self.orders) < 0):
            raise ConfigError(f"arima orders must be four counts (p, q, P, Q), got "
                              f"{self.orders!r}")


@register("arima", config=ARIMAConfig)
class ARIMA(Forecaster):
    """SARIMA by CSS: ``order`` = (p, q, P, Q, mean) or "aic"; d, D, m fixed by the caller."""

    def __init__(self, order: tuple[int, int, int, int, bool] | str = "aic",
                 d: int | None = None, D: int | None = None, m: int = 1) -> None:
        if order != "aic" and (not isinstance(order, tuple | list) or len(order) != 5):
            raise ConfigError(f"arima order must be (p, q, P, Q, mean) or 'aic', got {order!r}")
        self.tested = (d is None, D is None)
        self.diff = Differencing(d or 0, D or 0, m if D else 1)
        self.m, self.order = m, order
        self.orders = Orders(*order) if order != "aic" else Orders(0, 0)
        self.coef = np.zeros(0)
        self.sigma2 = math.nan

    @classmethod
    def from_config(cls, config: ARIMAConfig) -> ARIMA:
        o = config.orders
        return cls("aic" if o is None else (o[0], o[1], o[2], o[3], config.mean), config.d,
                   config.D, config.m)

    @property
    def config(self) -> ARIMAConfig:
        o = self.orders
        return ARIMAConfig(None if self.order == "aic" else (o.p, o.q, o.P, o.Q),
                           o.mean if self.order != "aic" else False,
                           None if self.tested[0] else self.diff.d,
                           None if self.tested[1] else self.diff.D, self.m)

    @classmethod
    def from_options(cls, opts: dict[str, Any]) -> ARIMA:
        """Built by name (CLI): orders by AIC, seasonal terms of period ``--season``, d and D
        by the tests."""
        return cls("aic", None, None, int(opts.get("season") or 1))

    @property
    def name(self) -> str:  # type: ignore[override]
        o = self.orders
        return (f"arima({o.p},{self.diff.d},{o.q})({o.P},{self.diff.D},{o.Q})"
                + (f"[{self.m}]" if o.P or o.Q or self.diff.D else "") + (" + c" if o.mean else ""))

    @property
    def min_history(self) -> int:
        return self.diff.offset + len(self.orders.polys(self.coef, self.m)[0]) - 1 \
            if len(self.coef) == self.orders.size else self.diff.offset + 1

    def _grid(self) -> list[Orders]:
        if self.order != "aic":
            return [self.orders]
        seas = (0, 1) if self.m >= 2 else (0,)
        d, D = self.diff.d, self.diff.D
        means = (True,) if d + D == 0 else (False, True) if (d, D) == (1, 0) else (False,)
        return [Orders(p, q, P, Q, c) for p, q, P, Q, c in itertools.product(
            range(3), range(3), seas, seas, means)]

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None) -> ARIMA:
        y = as_values(y_train, "y_train")
        self._test_differences(y)
        w = self.diff.apply(y)
        grid = self._grid()
        start = max(o.p + o.P * self.m for o in grid)  # common residual span for the AIC
        if len(w) - start < max(o.size for o in grid) + 4:
            raise DataError(f"arima: {len(w)} differenced values are too few")
        best: tuple[float, Orders, np.ndarray, float] | None = None
        for o in grid:
            coef = self._css(w, o)
            e = residuals(w, *o.polys(coef, self.m))[start:]
            sse = float(e @ e)
            aic = len(e) * math.log(max(sse, 1e-300) / len(e)) + 2 * (o.size + 1)
            if best is None or aic < best[0]:
                best = (aic, o, coef, sse / len(e))
        assert best is not None
        _, self.orders, self.coef, self.sigma2 = best
        return self

    def _test_differences(self, y: np.ndarray) -> None:
        """d = 1 unless KPSS finds y level-stationary; D = 1 when the seasonal strength of the
        (differenced) values is >= 0.64 (the tests auto uses), for those left None."""
        d, D = self.diff.d, self.diff.D
        if self.tested[0]:
            d = 0 if stattests.is_stationary(y) else 1
        if self.tested[1]:
            D = int(self.m >= 2 and len(y) >= 2 * self.m + 4 and stattests.seasonal_strength(
                np.diff(y) if d else y, self.m) >= stattests.SEASONAL_STRENGTH)
        self.diff = Differencing(d, D, self.m if D else 1)

    def _css(self, w: np.ndarray, o: Orders) -> np.ndarray:
        """Coefficients minimising the conditional sum of squares."""
        if o.size == 0:
            return np.zeros(0)
        start = o.p + o.P * self.m
        u0 = np.zeros(o.size)
        if o.mean:
            u0[-1] = float(np.mean(w))

        def resid(u: np.ndarray) -> np.ndarray:
            e = residuals(w, *o.polys(o.constrain(u), self.m))[start:]
            return np.where(np.isfinite(e), e, 1e150)

        return o.constrain(least_squares(resid, u0, method="trf").x)

    def frozen(self) -> ARIMA:
        """An unfitted copy with the orders fixed (a refit re-estimates the coefficients)."""
        o = self.orders
        return ARIMA((o.p, o.q, o.P, o.Q, o.mean), self.diff.d, self.diff.D, self.m)

    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        ar, ma, mu = self.orders.polys(self.coef, self.m)
        w = self.diff.apply(y)
        e = residuals(w, ar, ma, mu)
        r, s = len(ar) - 1, len(ma) - 1
        wo = origins - self.diff.offset  # forecast w[wo], w[wo + 1], ...
        x = np.stack([w[o - r:o] - mu for o in wo]) if r else np.zeros((len(wo), 0))
        eh = np.stack([np.r_[np.zeros(max(0, s - o)), e[max(0, o - s):o]] for o in wo]) \
            if s else np.zeros((len(wo), 0))
        out = np.empty((len(wo), horizon))
        for j in range(horizon):  # x, eh: oldest first; future errors are zero
            nxt = -(x[:, ::-1] @ ar[1:]) + (eh[:, ::-1] @ ma[1:])
            out[:, j] = nxt + mu
            x = np.concatenate([x[:, 1:], nxt[:, None]], axis=1) if r else x
            eh = np.concatenate([eh[:, 1:], np.zeros((len(wo), 1))], axis=1) if s else eh
        return self.diff.integrate(y, origins, out)

    def meta(self) -> dict[str, Any]:
        o = self.orders
        return {"order": [o.p, o.q, o.P, o.Q, o.mean], "d": self.diff.d, "D": self.diff.D,
                "m": self.m, "coef": self.coef.tolist(), "sigma2": self.sigma2}

    @classmethod
    def restore(cls, meta: dict[str, Any], state: dict[str, Any]) -> ARIMA:
        p, q, P, Q, mean = meta["order"]
        model = cls((int(p), int(q), int(P), int(Q), bool(mean)), int(meta["d"]),
                    int(meta["D"]), int(meta["m"]))
        model.coef = np.array(meta["coef"], dtype=np.float64)
        if model.coef.shape != (model.orders.size,):
            raise DataError("arima model file: the coefficients do not match the orders")
        model.sigma2 = float(meta["sigma2"])
        return model
