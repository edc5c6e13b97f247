"""Any forecaster on the Box-Cox scale z = (y^lam - 1) / lam (log y at lam = 0), undone at
prediction (the back-transformed point forecast is the forecast median).

``lam="auto"`` uses Guerrero's (1993) method: the lam in [0, 1] (from the log to no transform)
that makes sd / mean^(1 - lam) most constant over consecutive blocks of one season (two values
without a season), which turns a spread growing with the level (multiplicative season or
errors) into a constant one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar

from seqlm.errors import DataError, require_number
from seqlm.series.data import as_values
from seqlm.series.models.base import Forecaster
from seqlm.series.models.registry import from_record, record, register
from seqlm.series.models.validation import frozen

LAMBDA_RANGE = (0.0, 1.0)  # from the log (multiplicative structure) to no transform


def boxcox(y: np.ndarray, lam: float) -> np.ndarray:
    """(y^lam - 1) / lam, or log y at lam = 0 (y > 0)."""
    return np.log(y) if lam == 0 else (np.power(y, lam) - 1) / lam


def inv_boxcox(z: np.ndarray, lam: float) -> np.ndarray:
    """The inverse of :func:`boxcox` (NaN where the power is undefined)."""
    if lam == 0:
        return np.exp(z)
    base = lam * np.asarray(z) + 1
    return np.where(base > 0, np.power(np.abs(base), 1 / lam), np.nan)


def guerrero(y: np.ndarray, period: int) -> float:
    """Guerrero's lam: minimises the coefficient of variation of sd_i / mean_i^(1 - lam)."""
    p = max(period, 2)
    n = len(y) // p
    if n < 2:
        return 1.0
    blocks = y[len(y) - n * p:].reshape(n, p)
    mu, sd = blocks.mean(axis=1), blocks.std(axis=1, ddof=1)

    def cv(lam: float) -> float:
        r = sd / mu ** (1 - lam)
        return float(np.std(r, ddof=1) / np.mean(r))

    return round(float(minimize_scalar(cv, bounds=LAMBDA_RANGE, method="bounded").x), 4)


@register("boxcox")
class BoxCox(Forecaster):
    """``inner`` fitted on the Box-Cox transform of positive values (lam a number or "auto")."""

    def __init__(self, inner: Forecaster, lam: float | str = "auto", period: int = 1) -> None:
        if lam != "auto":
            require_number("box-cox lambda (a number or 'auto')", lam)
        self.inner, self.lam_setting, self.period = inner, lam, period
        self.lam = 1.0 if lam == "auto" else float(lam)

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"{self.inner.name}[box-cox {self.lam:g}]"

    @property
    def min_history(self) -> int:
        return self.inner.min_history

    def _z(self, y: np.ndarray, what: str) -> np.ndarray:
        if np.any(y <= 0):
            raise DataError(f"box-cox needs positive values; {what} has values <= 0")
        return boxcox(y, self.lam)

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None) -> BoxCox:
        y = as_values(y_train, "y_train")
        if np.any(y <= 0):
            raise DataError("box-cox needs positive values; the series has values <= 0")
        if self.lam_setting == "auto":
            self.lam = guerrero(y, self.period)
        v = None if y_valid is None or not len(y_valid) else self._z(
            as_values(y_valid, "y_valid"), "y_valid")
        self.inner.fit(self._z(y, "y_train"), v)
        return self

    def frozen(self) -> BoxCox:
        """An unfitted copy with lambda and the inner model's choices fixed."""
        return BoxCox(frozen(self.inner), self.lam, self.period)

    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        return inv_boxcox(self.inner._paths(self._z(y, "the history"), origins, horizon),
                          self.lam)

    def meta(self) -> dict[str, Any]:
        return {"inner": record(self.inner), "lam": self.lam, "period": self.period}

    @classmethod
    def restore(cls, meta: dict[str, Any], state: dict[str, Any]) -> BoxCox:
        return cls(from_record(meta["inner"]), float(meta["lam"]), int(meta["period"]))
