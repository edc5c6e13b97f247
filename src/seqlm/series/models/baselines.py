"""Baselines every model must beat: the last value, and the value one season ago."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from seqlm.errors import require_int
from seqlm.series.data import as_values
from seqlm.series.models.base import MarkovForecaster
from seqlm.series.models.registry import register


@dataclass
class NaiveConfig:
    """The naive forecaster has no settings."""


@dataclass
class SeasonalNaiveConfig:
    """Season length m of the seasonal naive forecaster."""

    season: int = 12


@register("naive", config=NaiveConfig)
class NaiveForecaster(MarkovForecaster):
    """x_t is predicted by x_{t-1} (free-running: the last observed value, repeated)."""

    name = "naive"
    tau = 1
    config = NaiveConfig()

    @classmethod
    def from_config(cls, config: NaiveConfig) -> NaiveForecaster:
        return cls()

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None) -> NaiveForecaster:
        as_values(y_train, "y_train")
        return self

    def predict_windows(self, windows: np.ndarray) -> np.ndarray:
        return windows[:, -1].copy()

    @classmethod
    def restore(cls, meta: dict[str, Any], state: dict[str, Any]) -> NaiveForecaster:
        return cls()


@register("seasonal_naive", aliases=("seasonal-naive",), config=SeasonalNaiveConfig)
class SeasonalNaiveForecaster(MarkovForecaster):
    """x_t is predicted by x_{t-m} for season length m (free-running repeats the last season)."""

    def __init__(self, season: int) -> None:
        require_int("season", season)
        self.tau = season
        self.name = f"seasonal-naive({season})"
        self.config = SeasonalNaiveConfig(season)

    @classmethod
    def from_config(cls, config: SeasonalNaiveConfig) -> SeasonalNaiveForecaster:
        return cls(config.season)

    def fit(self, y_train: np.ndarray,
            y_valid: np.ndarray | None = None) -> SeasonalNaiveForecaster:
        as_values(y_train, "y_train")
        return self

    def predict_windows(self, windows: np.ndarray) -> np.ndarray:
        return windows[:, 0].copy()

    def meta(self) -> dict[str, Any]:
        return {"season": self.tau}

    @classmethod
    def restore(cls, meta: dict[str, Any], state: dict[str, Any]) -> SeasonalNaiveForecaster:
        return cls(int(meta["season"]))
