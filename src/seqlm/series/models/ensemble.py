"""Average of several forecasters (e.g. one neural net per seed): same shape, less variance.

Each member runs its own free-running recursion and the paths are averaged step by step.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from seqlm.errors import ConfigError, require_int
from seqlm.series.models.base import Forecaster
from seqlm.series.models.registry import from_record, record, register


@register("ensemble")
class EnsembleForecaster(Forecaster):
    """Mean of the members' forecasts; ``make(seed)`` builds member i with seed ``seed + i``."""

    def __init__(self, make: Callable[[int], Forecaster] | None = None, size: int = 5,
                 seed: int = 0, members: Sequence[Forecaster] | None = None) -> None:
        if members is None:
            if make is None:
                raise ConfigError("an ensemble needs a member factory and size >= 1")
            require_int("ensemble size", size)
            members = [make(seed + i) for i in range(size)]
        if not members:
            raise ConfigError("an ensemble needs at least one member")
        self.members = list(members)
        self.name = f"ensemble({len(self.members)}x{self.members[0].name})"

    @property
    def min_history(self) -> int:
        return max(m.min_history for m in self.members)

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None) -> EnsembleForecaster:
        for m in self.members:
            m.fit(y_train, y_valid)
        self.name = f"ensemble({len(self.members)}x{self.members[0].name})"
        return self

    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        return np.mean([m._paths(y, origins, horizon) for m in self.members], axis=0)

    def meta(self) -> dict[str, Any]:
        return {"members": [record(m) for m in self.members]}

    @classmethod
    def restore(cls, meta: dict[str, Any], state: dict[str, Any]) -> EnsembleForecaster:
        return cls(members=[from_record(r) for r in meta["members"]])
