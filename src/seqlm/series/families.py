"""Synthetic series families with known structure, and their oracle forecasts.

Each family is one ``step(past, t, e)``: the next value x_t from the last values before t and a
standard-normal draw e (``e=None``: its conditional mean E[x_t | past]). The generators run that
step, so a :class:`Family` knows the best possible forecast at every horizon: the noise-free
recursion for the linear families, a Monte-Carlo mean of simulated paths for the nonlinear maps.
A bench then reports how far any model is from the best possible error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtr

from seqlm.errors import ConfigError, DataError, require_int

Step = Callable[[np.ndarray, np.ndarray | int, np.ndarray | float | None], np.ndarray]
"""step(past (..., order), t (broadcast to past.shape[:-1]), e or None) -> x_t (past.shape[:-1])."""


@dataclass(frozen=True)
class Family:
    """A generated series, its season, the oracle 1-step means (NaN where the past is not in
    the series) and the dynamics that produced it (``step`` reads the last ``order`` values)."""

    name: str
    values: np.ndarray
    season: int | None = None
    oracle: np.ndarray | None = None
    step: Step | None = None
    order: int = 1
    linear: bool = False

    def oracle_paths(self, origins: np.ndarray, horizon: int, sims: int = 4000,
                     seed: int = 0) -> np.ndarray:
        """(len(origins), horizon): E[x_{o+h-1} | x_{<o}] for h = 1..horizon; exact for linear
        dynamics, else the mean over ``sims`` simulated paths of each last step's exact mean."""
        if self.step is None:
            raise ConfigError(f"family {self.name!r} has no dynamics to forecast with")
        horizon, sims = require_int("horizon", horizon), require_int("sims", sims)
        origins = np.asarray(origins, dtype=int).reshape(-1)
        if origins.size and (origins.min() < self.order or origins.max() > len(self.values)):
            raise DataError(f"origins must lie in [{self.order}, {len(self.values)}]")
        if not origins.size:
            return np.empty((0, horizon))
        rng = np.random.default_rng(seed)
        past = np.stack([self.values[o - self.order:o] for o in origins]).reshape(
            len(origins), 1, self.order)
        state = np.repeat(past, 1 if self.linear else sims, axis=1)
        out = np.empty((len(origins), horizon))
        for h in range(horizon):
            t = origins[:, None] + h
            out[:, h] = self.step(state, t, None).mean(axis=1)
            if h + 1 < horizon:
                e = None if self.linear else rng.standard_normal(state.shape[:2])
                state = np.concatenate([state[..., 1:], self.step(state, t, e)[..., None]], -1)
        return out


def _generate(name: str, step: Step, order: int, start: list[float], n: int, burn: int,
              seed: int, season: int | None = None, linear: bool = True) -> Family:
    """Run ``step`` from the ``start`` values with seeded draws, drop ``burn`` values."""
    rng = np.random.default_rng(seed)
    x = np.empty(n + burn)
    x[:len(start)] = start
    for t in range(len(start), n + burn):
        x[t] = step(x[t - order:t], t, rng.standard_normal())
    mean = np.full(n, np.nan)  # E[x_t | the `order` values before t], once those are kept
    past = np.lib.stride_tricks.sliding_window_view(x[:-1], order)[burn:]
    mean[order:] = step(past, np.arange(burn + order, n + burn), None)
    return Family(name, x[burn:], season, mean, step, order, linear)


def _noise(e: np.ndarray | float | None) -> np.ndarray | float:
    return 0.0 if e is None else e


def ar_process(n: int = 500, seed: int = 0, coefs: tuple[float, ...] = (0.6, -0.3, 0.2),
               noise: float = 1.0) -> Family:
    """x_t = sum_i a_i x_{t-i} + e_t (stationary AR(p))."""

    def step(past: np.ndarray, t: np.ndarray | int, e: np.ndarray | float | None) -> np.ndarray:
        mean = sum(a * past[..., -i - 1] for i, a in enumerate(coefs))
        return np.asarray(mean + noise * _noise(e))

    p = len(coefs)
    return _generate(f"AR({p})", step, p, [0.0] * p, n, 100, seed)


def seasonal_trend(n: int = 240, seed: int = 0, season: int = 12, noise: float = 0.3) -> Family:
    """Linear trend + sine season + AR(1) noise (monthly by default)."""

    def base(t: np.ndarray | int) -> np.ndarray:
        return 10 + 0.05 * np.asarray(t) + 2 * np.sin(2 * np.pi * np.asarray(t) / season)

    def step(past: np.ndarray, t: np.ndarray | int, e: np.ndarray | float | None) -> np.ndarray:
        return base(t) + (0.5 * (past[..., -1] - base(np.asarray(t) - 1)) + noise * _noise(e))

    return _generate("seasonal+trend", step, 1, [float(base(0))], n, 0, seed, season)


def _clipped_mean(m: np.ndarray, sd: float, lo: float, hi: float) -> np.ndarray:
    """E[min(max(m + sd z, lo), hi)] for z ~ N(0, 1) (the map's values are clipped)."""
    a, b = (lo - m) / sd, (hi - m) / sd
    pdf = lambda v: np.exp(-0.5 * v * v) / math.sqrt(2 * math.pi)  # noqa: E731
    return (lo * ndtr(a) + hi * (1 - ndtr(b)) + m * (ndtr(b) - ndtr(a))
            + sd * (pdf(a) - pdf(b)))


def _map(name: str, f: Callable[[np.ndarray], np.ndarray], n: int, seed: int, noise: float,
         lo: float, hi: float, x0: float) -> Family:
    def step(past: np.ndarray, t: np.ndarray | int, e: np.ndarray | float | None) -> np.ndarray:
        m = f(past[..., -1])
        return _clipped_mean(m, noise, lo, hi) if e is None else np.clip(m + noise * e, lo, hi)

    return _generate(name, step, 1, [x0], n, 100, seed, linear=False)


def logistic_map(n: int = 1000, seed: int = 0, r: float = 3.8, noise: float = 0.05) -> Family:
    """x_t = r x_{t-1} (1 - x_{t-1}) + e_t, kept in [0, 1] (chaotic for r = 3.8)."""
    return _map("logistic map", lambda v: r * v * (1 - v), n, seed, noise, 0.0, 1.0, 0.3)


def setar(n: int = 1000, seed: int = 0, noise: float = 0.05) -> Family:
    """SETAR(2; 1, 1): x_t = 1.9 x_{t-1} if x_{t-1} <= 0.5 else 1.9 (1 - x_{t-1}), + e_t
    (two linear regimes switched by a threshold on x_{t-1}: a noisy tent map)."""
    return _map("SETAR (tent)", lambda v: np.where(v <= 0.5, 1.9 * v, 1.9 * (1 - v)), n, seed,
                noise, 0.0, 1.0, 0.3)


def random_walk(n: int = 400, seed: int = 0, drift: float = 0.1) -> Family:
    """x_t = x_{t-1} + drift + e_t, from x_{-1} = 0."""

    def step(past: np.ndarray, t: np.ndarray | int, e: np.ndarray | float | None) -> np.ndarray:
        return np.asarray(past[..., -1] + (drift + _noise(e)))

    return _generate("random walk", step, 1, [0.0], n, 1, seed)


def regime_switch(n: int = 500, seed: int = 0) -> Family:
    """AR(1) around a mean that jumps from 0 to 5 and the coefficient from 0.8 to 0.3 at n/2."""

    def step(past: np.ndarray, t: np.ndarray | int, e: np.ndarray | float | None) -> np.ndarray:
        late = np.asarray(t) >= n // 2
        mu, a = np.where(late, 5.0, 0.0), np.where(late, 0.3, 0.8)
        return mu + a * (past[..., -1] - mu) + _noise(e)

    return _generate("regime switch", step, 1, [0.0], n, 0, seed)


FAMILIES = {"ar": ar_process, "seasonal_trend": seasonal_trend, "logistic": logistic_map,
            "setar": setar, "random_walk": random_walk, "regime_switch": regime_switch}
