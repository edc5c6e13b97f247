"""The direct multi-step strategy: one least-squares AR per horizon h = 1..H.

x_{t+h-1} = c_h + a_{h,1} x_{t-1} + ... + a_{h,p} x_{t-p}: each step ahead is fitted for itself,
so no error is fed back (the recursive strategy reuses the 1-step model H times). Beyond H the
path continues recursively with the h = 1 model.
"""

from __future__ import annotations

import numpy as np

from seqlm.errors import ConfigError, DataError, require_int
from seqlm.series.data import as_values
from seqlm.series.models.base import Forecaster
from seqlm.series.models.linear_ar import LinearAR, ols
from seqlm.series.models.registry import register


@register("direct_ar")
class DirectAR(Forecaster):
    """AR with ``lags`` lags (or "aic": the order AIC picks for the 1-step model), H direct fits."""

    def __init__(self, lags: int | str = "aic", horizon: int = 12, max_lags: int = 20) -> None:
        require_int("horizon", horizon)
        self.lags, self.horizon, self.max_lags = lags, horizon, max_lags
        self.tau = 0 if lags == "aic" else int(lags)
        self.coef: np.ndarray | None = None  # (H, p + 1): row h-1 = [c_h, a_h1, ..., a_hp]
        self.name = f"direct-ar({lags}, H={horizon})"

    @property
    def min_history(self) -> int:
        return max(self.tau, 1)

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None) -> DirectAR:
        y = as_values(y_train, "y_train")
        self.tau = LinearAR(self.lags, self.max_lags).fit(y).tau
        p, H = self.tau, self.horizon
        rows = np.arange(p, len(y) - H + 1)  # origins with all H targets observed
        if len(rows) < p + 2:
            raise DataError(f"{len(y)} values are too few for {H} direct AR({p}) fits")
        design = np.column_stack([np.ones(len(rows))] + [y[rows - i] for i in range(1, p + 1)])
        self.coef = np.stack([ols(design, y[rows + h])[0] for h in range(H)])
        self.name = f"direct-ar({p}, H={H})"
        return self

    def frozen(self) -> DirectAR:
        """An unfitted copy with the lag order fixed."""
        return DirectAR(self.tau, self.horizon, self.max_lags)

    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        if self.coef is None:
            raise ConfigError(f"{self.name} is not fitted; call fit first")
        p = self.tau
        win = np.stack([y[o - p:o][::-1] for o in origins]) if len(origins) else np.zeros((0, p))
        design = np.column_stack([np.ones(len(origins)), win])
        out = np.empty((len(origins), horizon))
        direct = min(horizon, self.horizon)
        out[:, :direct] = design @ self.coef[:direct].T
        lags = np.concatenate([win[:, ::-1], out[:, :direct]], axis=1)  # oldest first
        for j in range(direct, horizon):  # beyond H: recursive with the 1-step model
            out[:, j] = self.coef[0, 0] + lags[:, -1:-p - 1:-1] @ self.coef[0, 1:]
            lags = np.concatenate([lags, out[:, j:j + 1]], axis=1)
        return out

    def to_dict(self) -> dict[str, object]:
        if self.coef is None:
            raise ConfigError(f"{self.name} is not fitted; call fit first")
        return {"tau": self.tau, "horizon": self.horizon, "max_lags": self.max_lags,
                "coef": self.coef.tolist()}

    def meta(self) -> dict[str, object]:
        return self.to_dict()

    @classmethod
    def restore(cls, meta: dict[str, object], state: dict[str, object]) -> DirectAR:
        return cls.from_dict(meta)

    @classmethod
    def from_dict(cls, d: dict[str, object]) -> DirectAR:
        m = cls(int(d["tau"]), int(d["horizon"]), int(d["max_lags"]))  # type: ignore[call-overload]
        m.coef = np.array(d["coef"], dtype=np.float64)
        if m.coef.shape != (m.horizon, m.tau + 1):
            raise DataError("direct-ar model file: coefficient shape does not match")
        return m
