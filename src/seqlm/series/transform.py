"""Differencing undone at prediction: w_t = (1 - B)^d (1 - B^m)^D y_t and back.

The operator expands to w_t = y_t - sum_j c_j y_{t-j}; a forecast of w is turned into one of y
by the recursion y_t = w_t + sum_j c_j y_{t-j}, reading observed values before the origin and
the path's own forecasts after it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlm.errors import ConfigError


@dataclass(frozen=True)
class Differencing:
    """d ordinary and D seasonal differences of period m (d = D = 0 is the identity)."""

    d: int = 0
    D: int = 0
    m: int = 1

    def __post_init__(self) -> None:
        if self.d not in (0, 1, 2) or self.D not in (0, 1) or self.m < 1:
            raise ConfigError(f"differencing needs d in 0..2, D in 0..1, m >= 1; got {self}")

    @property
    def poly(self) -> np.ndarray:
        """Coefficients of (1 - B)^d (1 - B^m)^D in powers of B (poly[0] = 1)."""
        p = np.array([1.0])
        for _ in range(self.d):
            p = np.convolve(p, [1.0, -1.0])
        for _ in range(self.D):
            p = np.convolve(p, np.r_[1.0, np.zeros(self.m - 1), -1.0])
        return p

    @property
    def offset(self) -> int:
        """Values consumed: w starts at y index ``offset``."""
        return self.d + self.D * self.m

    def apply(self, y: np.ndarray) -> np.ndarray:
        """w[i] = differenced value at y index i + offset."""
        y = np.asarray(y, dtype=np.float64)
        if self.offset == 0:
            return y.copy()
        return np.convolve(y, self.poly, mode="valid")

    def integrate(self, y: np.ndarray, origins: np.ndarray, w_paths: np.ndarray) -> np.ndarray:
        """Turn forecasts of w (row i: w at y indices o_i, o_i + 1, ...) into forecasts of y."""
        if self.offset == 0:
            return np.array(w_paths, dtype=np.float64)
        c = -self.poly[1:]  # y_t = w_t + sum_j c_j y_{t-j}, j = 1..offset
        k = self.offset
        out = np.empty_like(w_paths, dtype=np.float64)
        hist = np.stack([y[o - k:o] for o in origins]) if len(origins) else np.zeros((0, k))
        for j in range(w_paths.shape[1]):
            # hist[:, -i] holds y_{t-i}: observed before the origin, forecast after it
            out[:, j] = w_paths[:, j] + hist[:, ::-1] @ c
            hist = np.concatenate([hist[:, 1:], out[:, j:j + 1]], axis=1)
        return out

    def describe(self) -> str:
        parts = [f"d={self.d}"] + ([f"D={self.D} (period {self.m})"] if self.D else [])
        return ", ".join(parts)


@dataclass(frozen=True)
class LinearTrend:
    """y_t = a + b t + s_(t mod m) + u_t with t the index in the series, s a fixed seasonal
    profile summing to zero (empty: no season); fitted by least squares, added back.

    The profile is deterministic seasonality (the same shape every year), where a seasonal
    difference assumes a stochastic one (a shape that wanders).
    """

    a: float = 0.0
    b: float = 0.0
    season: tuple[float, ...] = ()

    @classmethod
    def fit(cls, y: np.ndarray, m: int = 1) -> LinearTrend:
        """Least squares on 1, t and m - 1 sum-to-zero seasonal contrasts (m = 1: a line)."""
        y = np.asarray(y, dtype=np.float64)
        t = np.arange(len(y), dtype=np.float64)
        if m < 2:
            b, a = np.polyfit(t, y, 1)
            return cls(float(a), float(b))
        phase = np.arange(len(y)) % m
        contrasts = (phase[:, None] == np.arange(m - 1)).astype(np.float64)
        contrasts[phase == m - 1] = -1.0  # s_(m-1) = -(s_0 + ... + s_(m-2))
        X = np.column_stack([np.ones(len(y)), t, contrasts])
        coef = np.linalg.lstsq(X, y, rcond=None)[0]
        s = np.r_[coef[2:], -coef[2:].sum()]
        return cls(float(coef[0]), float(coef[1]), tuple(float(v) for v in s))

    def at(self, t: np.ndarray) -> np.ndarray:
        t = np.asarray(t)
        out = self.a + self.b * t.astype(np.float64)
        if self.season:
            out = out + np.asarray(self.season)[t % len(self.season)]
        return out

    def remove(self, y: np.ndarray) -> np.ndarray:
        return np.asarray(y, dtype=np.float64) - self.at(np.arange(len(y)))
