"""Forecaster bases: the contract (:class:`seqlm.core.Forecaster`) and the Markov plan A."""

from __future__ import annotations

from abc import abstractmethod

import numpy as np

from seqlm.core.forecast import Forecaster


class MarkovForecaster(Forecaster):
    """Plan A: the next value is a function of the last ``tau`` values only."""

    tau: int = 1

    @property
    def min_history(self) -> int:
        return self.tau

    @abstractmethod
    def predict_windows(self, windows: np.ndarray) -> np.ndarray:
        """Next value for each row of ``windows`` (m, tau), oldest value first."""

    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        win = np.stack([y[o - self.tau:o] for o in origins]) if origins.size else np.zeros(
            (0, self.tau))
        out = np.empty((len(origins), horizon))
        for j in range(horizon):
            out[:, j] = self.predict_windows(win)
            win = np.concatenate([win[:, 1:], out[:, j:j + 1]], axis=1)
        return out


__all__ = ["Forecaster", "MarkovForecaster"]
