"""Any forecaster on a detrended and/or differenced series, undone at prediction.

``Preprocessed(inner, Differencing(d, D, m), detrend, season)`` fits ``inner`` on
w = (1 - B)^d (1 - B^m)^D (y - a - b t - s_(t mod season)) and turns its forecasts of w back
into forecasts of y (the trend a + b t and the fixed seasonal profile s, when season >= 2, are
fitted on the training values only).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlm.errors import ConfigError, DataError
from seqlm.series.data import as_values
from seqlm.series.models.base import Forecaster
from seqlm.series.models.registry import from_record, record, register
from seqlm.series.models.validation import frozen
from seqlm.series.transform import Differencing, LinearTrend


@register("preprocessed")
class Preprocessed(Forecaster):
    """``inner`` sees only the transformed series; forecasts come back on the original scale."""

    def __init__(self, inner: Forecaster, diff: Differencing | None = None,
                 detrend: bool = False, season: int = 1) -> None:
        if season > 1 and not detrend:
            raise ConfigError("a fixed seasonal profile is removed with the trend: "
                              "set detrend as well")
        self.inner = inner
        self.diff = diff or Differencing()
        self.detrend = detrend
        self.season = max(1, season)
        self.trend: LinearTrend | None = None

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"{self.inner.name}[{self.describe()}]"

    def describe(self) -> str:
        fixed = f"detrended + season {self.season}, " if self.season > 1 else "detrended, "
        return (fixed if self.detrend else "") + self.diff.describe()

    @property
    def min_history(self) -> int:
        return self.diff.offset + self.inner.min_history

    def _level(self, y: np.ndarray) -> np.ndarray:
        return y - self.trend.at(np.arange(len(y))) if self.trend is not None else y

    def transform(self, y: np.ndarray) -> np.ndarray:
        """w for the whole of ``y`` (w[i] belongs to y index i + offset)."""
        return self.diff.apply(self._level(as_values(y)))

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None,
            **kwargs: Any) -> Preprocessed:
        y = as_values(y_train, "y_train")
        if len(y) <= self.diff.offset + 1:
            raise DataError(f"{len(y)} values are too few to difference ({self.describe()})")
        if self.detrend and len(y) < self.season + 3:
            raise DataError(f"{len(y)} values are too few for a trend and a season of "
                            f"{self.season}")
        self.trend = LinearTrend.fit(y, self.season) if self.detrend else None
        w = self.transform(y)
        w_valid = None
        if y_valid is not None and len(y_valid):
            full = np.concatenate([y, as_values(y_valid, "y_valid")])
            w_valid = self.transform(full)[len(w):]
        self.inner.fit(w, w_valid, **kwargs)
        return self

    def frozen(self) -> Preprocessed:
        """An unfitted copy with the inner model's choices fixed."""
        return Preprocessed(frozen(self.inner), self.diff, self.detrend, self.season)

    def meta(self) -> dict[str, Any]:
        return {"inner": record(self.inner), "d": self.diff.d, "D": self.diff.D,
                "m": self.diff.m, "detrend": self.detrend, "season": self.season,
                "trend": None if self.trend is None else [self.trend.a, self.trend.b],
                "profile": None if self.trend is None else list(self.trend.season)}

    @classmethod
    def restore(cls, meta: dict[str, Any], state: dict[str, Any]) -> Preprocessed:
        m = cls(from_record(meta["inner"]), Differencing(int(meta["d"]), int(meta["D"]),
                                                          int(meta["m"])), bool(meta["detrend"]),
                int(meta.get("season", 1)))
        if meta["trend"] is not None:
            a, b = meta["trend"]
            profile = tuple(float(v) for v in meta.get("profile") or ())
            if len(profile) not in (0, m.season) or (m.season > 1) != bool(profile):
                raise DataError("preprocessed model file: the seasonal profile does not match "
                                "its season")
            m.trend = LinearTrend(float(a), float(b), profile)
        return m

    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        z = self._level(y)
        w = self.diff.apply(z)
        w_paths = self.inner.predict_paths(w, origins - self.diff.offset, horizon)
        out = self.diff.integrate(z, origins, w_paths)
        if self.trend is not None:
            out = out + self.trend.at(origins[:, None] + np.arange(horizon))
        return out
