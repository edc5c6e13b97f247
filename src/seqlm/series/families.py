"""Synthetic series families with known structure (and, where it exists, the oracle 1-step mean).

Each generator is seeded and returns a :class:`Family`: the values, the season (if any) and the
oracle's 1-step forecasts E[x_t | past] (NaN where undefined), so a bench can report how far a
model is from the best possible 1-step error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Family:
    """A generated series, its season length and the oracle 1-step means (or None)."""

    name: str
    values: np.ndarray
    season: int | None = None
    oracle: np.ndarray | None = None


def ar_process(n: int = 500, seed: int = 0, coefs: tuple[float, ...] = (0.6, -0.3, 0.2),
               noise: float = 1.0) -> Family:
    """x_t = sum_i a_i x_{t-i} + e_t (stationary AR(p))."""
    rng = np.random.default_rng(seed)
    p = len(coefs)
    x = np.zeros(n + 100)
    mean = np.zeros(n + 100)
    for t in range(p, n + 100):
        mean[t] = sum(a * x[t - i - 1] for i, a in enumerate(coefs))
        x[t] = mean[t] + rng.normal(0, noise)
    return Family(f"AR({p})", x[100:], None, mean[100:])


def seasonal_trend(n: int = 240, seed: int = 0, season: int = 12, noise: float = 0.3) -> Family:
    """Linear trend + sine season + AR(1) noise (monthly by default)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    e = np.zeros(n)
    for i in range(1, n):
        e[i] = 0.5 * e[i - 1] + rng.normal(0, noise)
    base = 10 + 0.05 * t + 2 * np.sin(2 * np.pi * t / season)
    oracle = np.r_[np.nan, base[1:] + 0.5 * e[:-1]]
    return Family("seasonal+trend", base + e, season, oracle)


def _map(name: str, step: Callable[[float], float], n: int, seed: int, noise: float,
         lo: float, hi: float, x0: float) -> Family:
    rng = np.random.default_rng(seed)
    x = np.empty(n + 100)
    mean = np.full(n + 100, np.nan)
    x[0] = x0
    for t in range(1, n + 100):
        mean[t] = step(x[t - 1])
        x[t] = min(max(mean[t] + rng.normal(0, noise), lo), hi)
    return Family(name, x[100:], None, mean[100:])


def logistic_map(n: int = 1000, seed: int = 0, r: float = 3.8, noise: float = 0.05) -> Family:
    """x_t = r x_{t-1} (1 - x_{t-1}) + e_t, kept in [0, 1] (chaotic for r = 3.8)."""
    return _map("logistic map", lambda v: r * v * (1 - v), n, seed, noise, 0.0, 1.0, 0.3)


def setar(n: int = 1000, seed: int = 0, noise: float = 0.05) -> Family:
    """SETAR(2; 1, 1): x_t = 1.9 x_{t-1} if x_{t-1} <= 0.5 else 1.9 (1 - x_{t-1}), + e_t
    (two linear regimes switched by a threshold on x_{t-1}: a noisy tent map)."""
    return _map("SETAR (tent)", lambda v: 1.9 * v if v <= 0.5 else 1.9 * (1 - v), n, seed,
                noise, 0.0, 1.0, 0.3)


def random_walk(n: int = 400, seed: int = 0, drift: float = 0.1) -> Family:
    """x_t = x_{t-1} + drift + e_t."""
    x = np.cumsum(drift + np.random.default_rng(seed).normal(size=n))
    return Family("random walk", x, None, np.r_[np.nan, x[:-1] + drift])


def regime_switch(n: int = 500, seed: int = 0) -> Family:
    """AR(1) around a mean that jumps from 0 to 5 and the coefficient from 0.8 to 0.3 at n/2."""
    rng = np.random.default_rng(seed)
    x = np.zeros(n)
    mean = np.full(n, np.nan)
    for t in range(1, n):
        mu, a = (0.0, 0.8) if t < n // 2 else (5.0, 0.3)
        mean[t] = mu + a * (x[t - 1] - mu)
        x[t] = mean[t] + rng.normal()
    return Family("regime switch", x, None, mean)


FAMILIES = {"ar": ar_process, "seasonal_trend": seasonal_trend, "logistic": logistic_map,
            "setar": setar, "random_walk": random_walk, "regime_switch": regime_switch}
