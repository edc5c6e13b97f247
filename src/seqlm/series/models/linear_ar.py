"""Linear AR(p) by ordinary least squares: x_t = c + a_1 x_{t-1} + ... + a_p x_{t-p} + e_t.

With ``lags="aic"`` the order p in 1..max_lags minimises Akaike's criterion
AIC(p) = -2 log L + 2 (p + 1), every candidate fitted on the same sample (t >= max_lags) so the
criteria are comparable, with Gaussian log-likelihood at sigma^2 = RSS / nobs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from seqlm.errors import ConfigError, DataError
from seqlm.series.data import as_values
from seqlm.series.models.base import MarkovForecaster
from seqlm.series.models.registry import register
from seqlm.series.windows import check_tau, make_windows


def lag_matrix(y: np.ndarray, p: int, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Design [1, x_{t-1}, ..., x_{t-p}] and target x_t for t = start..len(y)-1."""
    rows = np.arange(start, len(y))
    lags = np.stack([y[rows - i] for i in range(1, p + 1)], axis=1)
    return np.column_stack([np.ones(len(rows)), lags]), y[rows]


def ols(design: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, float]:
    """Least-squares coefficients and residual sum of squares."""
    beta, *_ = np.linalg.lstsq(design, target, rcond=None)
    resid = target - design @ beta
    return beta, float(resid @ resid)


def aic_table(y: np.ndarray, max_lags: int) -> dict[int, float]:
    """AIC of AR(p) for p = 1..max_lags on the common sample t = max_lags..len(y)-1."""
    table = {}
    for p in range(1, max_lags + 1):
        design, target = lag_matrix(y, p, max_lags)
        _, rss = ols(design, target)
        nobs = len(target)
        sigma2 = max(rss / nobs, 1e-300)
        llf = -nobs / 2 * (math.log(2 * math.pi * sigma2) + 1)
        table[p] = -2 * llf + 2 * (p + 1)
    return table


@dataclass
class LinearARConfig:
    """Lag order ``tau`` (or "aic": chosen by AIC among 1..max_lags)."""

    tau: int | str = "aic"
    max_lags: int = 20


@register("linear_ar", aliases=("ar",), config=LinearARConfig)
class LinearAR(MarkovForecaster):
    """AR(tau) with intercept, fitted by least squares; ``tau="aic"`` picks the order by AIC."""

    @classmethod
    def from_config(cls, config: LinearARConfig) -> LinearAR:
        return cls(config.tau, config.max_lags)

    @property
    def config(self) -> LinearARConfig:
        return LinearARConfig("aic" if self.select else self.tau, self.max_lags)

    def __init__(self, tau: int | str = "aic", max_lags: int = 20) -> None:
        if tau == "aic":
            check_tau(max_lags)
            self.tau = 0
        else:
            self.tau = check_tau(tau)  # type: ignore[arg-type]
        self.select = tau == "aic"
        self.max_lags = max_lags
        self.coef: np.ndarray | None = None  # [c, a_1, ..., a_p]
        self.aic: dict[int, float] = {}
        self.name = "linear-ar(aic)" if self.select else f"linear-ar({self.tau})"

    def frozen(self) -> LinearAR:
        """An unfitted copy with the lag order fixed."""
        return LinearAR(self.tau if self.tau else "aic", self.max_lags)

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None) -> LinearAR:
        y = as_values(y_train, "y_train")
        if self.select:
            if len(y) < 2 * self.max_lags + 2:
                raise DataError(f"series of length {len(y)} is too short to select among "
                                f"{self.max_lags} lags; need {2 * self.max_lags + 2} values")
            self.aic = aic_table(y, self.max_lags)
            self.tau = min(self.aic, key=lambda p: (self.aic[p], p))
            self.name = f"linear-ar(aic={self.tau})"
        make_windows(y, self.tau)  # raises on a series shorter than tau + 1
        design, target = lag_matrix(y, self.tau, self.tau)
        if len(target) < self.tau + 1:
            raise DataError(f"{len(target)} windows cannot determine {self.tau + 1} AR "
                            "coefficients; use a smaller tau or a longer series")
        self.coef, _ = ols(design, target)
        return self

    @property
    def intercept(self) -> float:
        return float(self._coef()[0])

    @property
    def ar_coefs(self) -> np.ndarray:
        """a_1 .. a_p (a_1 multiplies the most recent value)."""
        return self._coef()[1:].copy()

    def _coef(self) -> np.ndarray:
        if self.coef is None:
            raise ConfigError(f"{self.name} is not fitted; call fit first")
        return self.coef

    def predict_windows(self, windows: np.ndarray) -> np.ndarray:
        c = self._coef()
        return c[0] + windows[:, ::-1] @ c[1:]

    def to_dict(self) -> dict[str, object]:
        return {"kind": "linear_ar", "tau": self.tau, "select": self.select,
                "max_lags": self.max_lags, "coef": self._coef().tolist()}

    def meta(self) -> dict[str, object]:
        return self.to_dict()

    @classmethod
    def restore(cls, meta: dict[str, object], state: dict[str, object]) -> LinearAR:
        return cls.from_dict(meta)

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> LinearAR:
        m = cls(int(d["tau"]), int(d["max_lags"]))  # type: ignore[call-overload]
        m.select = bool(d["select"])
        m.coef = np.array(d["coef"], dtype=np.float64)
        if m.coef.shape != (m.tau + 1,):
            raise DataError("linear-ar model file: coefficient count does not match tau")
        return m
