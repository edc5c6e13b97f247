"""A forecast combination: the mean of several members' paths, with a short-horizon specialist.

Averaging forecasters chosen on validation is more robust than picking the single best one
(the ranking on a short validation span is noisy); ``short`` (e.g. the neural hybrid) replaces
the mean for the first ``short_steps`` steps, where validation showed it to be better.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlm.errors import ConfigError
from seqlm.series.models.base import Forecaster
from seqlm.series.models.registry import from_record, record, register
from seqlm.series.models.validation import frozen


@register("blend")
class Blend(Forecaster):
    """mean(members) for every step, except ``short`` for steps 1..short_steps."""

    def __init__(self, members: Sequence[Forecaster], short: Forecaster | None = None,
                 short_steps: int = 0) -> None:
        if not members:
            raise ConfigError("a blend needs at least one member")
        self.members = list(members)
        self.short = short
        self.short_steps = short_steps if short is not None else 0

    @property
    def name(self) -> str:  # type: ignore[override]
        names = " + ".join(m.name for m in self.members)
        out = f"mean({names})" if len(self.members) > 1 else names
        if self.short is not None and self.short_steps:
            out += f", {self.short.name} for h <= {self.short_steps}"
        return out

    @property
    def min_history(self) -> int:
        extra = [self.short.min_history] if self.short is not None else []
        return max([m.min_history for m in self.members] + extra)

    def fit(self, y_train: np.ndarray, y_valid: np.ndarray | None = None) -> Blend:
        for m in self.members + ([self.short] if self.short is not None else []):
            m.fit(y_train, y_valid)
        return self

    def frozen(self) -> Blend:
        """An unfitted copy of every member with its choices fixed."""
        return Blend([frozen(m) for m in self.members],
                     None if self.short is None else frozen(self.short), self.short_steps)

    def meta(self) -> dict[str, Any]:
        return {"members": [record(m) for m in self.members], "short_steps": self.short_steps,
                "short": None if self.short is None else record(self.short)}

    @classmethod
    def restore(cls, meta: dict[str, Any], state: dict[str, Any]) -> Blend:
        short = None if meta["short"] is None else from_record(meta["short"])
        return cls([from_record(r) for r in meta["members"]], short, int(meta["short_steps"]))

    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        out = np.mean([m._paths(y, origins, horizon) for m in self.members], axis=0)
        k = min(self.short_steps, horizon)
        if k and self.short is not None:
            out[:, :k] = self.short._paths(y, origins, k)
        return out
