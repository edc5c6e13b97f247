"""Standardisation fitted on the training part only (mean and standard deviation)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlm.errors import DataError


@dataclass(frozen=True)
class Scaler:
    """z = (x - mean) / std, with std = 1 for a constant training part."""

    mean: float
    std: float

    @classmethod
    def fit(cls, x_train: np.ndarray) -> Scaler:
        if len(x_train) == 0:
            raise DataError("cannot fit a scaler on an empty training part")
        std = float(np.std(x_train))
        return cls(float(np.mean(x_train)), std if std > 0 else 1.0)

    def transform(self, x: np.ndarray) -> np.ndarray:
        return (np.asarray(x, dtype=np.float64) - self.mean) / self.std

    def inverse(self, z: np.ndarray) -> np.ndarray:
        return np.asarray(z, dtype=np.float64) * self.std + self.mean

    def to_dict(self) -> dict[str, float]:
        return {"mean": self.mean, "std": self.std}
