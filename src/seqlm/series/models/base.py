"""Forecaster bases: the contract (:class:`seqlm.core.Forecaster`) and the Markov plan A."""

from __future__ import annotations

from abc import abstractmethod

import numpy as np

from seqlm.core.forecast import Forecaster


class MarkovForecaster(Forecaster):
    """Plan A: the next value is a function of the last ``tau`` values only.

    A model that predicts ``block`` > 1 values from each window (a direct head) overrides
    ``predict_block``; forecasts then continue block by block from the window that ends with
    the last block (``block`` = 1: the usual recursion, each forecast fed back).
    """

    tau: int = 1
    block: int = 1

    @property
    def min_history(self) -> int:
        return self.tau

    @abstractmethod
    def predict_windows(self, windows: np.ndarray) -> np.ndarray:
        """Next value for each row of ``windows`` (m, tau), oldest value first."""

    def predict_block(self, windows: np.ndarray) -> np.ndarray:
        """(m, block) forecasts of the next ``block`` values from each row of ``windows``."""
        return self.predict_windows(windows)[:, None]

    def _paths(self, y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
        win = np.stack([y[o - self.tau:o] for o in origins]) if origins.size else np.zeros(
            (0, self.tau))
        out = np.empty((len(origins), horizon))
        for j in range(0, horizon, self.block):
            k = min(self.block, horizon - j)
            out[:, j:j + k] = self.predict_block(win)[:, :k]
            win = np.concatenate([win[:, k:], out[:, j:j + k]], axis=1)[:, -self.tau:]
        return out


__all__ = ["Forecaster", "MarkovForecaster"]
