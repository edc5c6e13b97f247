"""Windows (features = last tau values, label = next value) and chronological splits.

A split is a pair of cut points on the series' index: values before ``train_end`` are the
only ones a model may fit on; targets at ``test_start`` and later are scored. Nothing after a
cut point is ever read when fitting, which the tests check by perturbing the future.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlm.errors import ConfigError, DataError, require_int


def check_tau(tau: int) -> int:
    """Raise ConfigError unless tau is a positive integer."""
    return require_int("tau", tau)


def make_windows(x: np.ndarray, tau: int) -> tuple[np.ndarray, np.ndarray]:
    """Features (n-tau, tau) with row i = x[i:i+tau]; labels (n-tau,) with label i = x[i+tau]."""
    check_tau(tau)
    if len(x) < tau + 1:
        raise DataError(f"series of length {len(x)} is too short for tau={tau}: "
                        f"need at least tau+1 = {tau + 1} values")
    feats, labels = make_direct_windows(x, tau, 1)
    return feats, labels[:, 0].copy()


def make_direct_windows(x: np.ndarray, tau: int, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Features (n-tau-steps+1, tau) with row i = x[i:i+tau]; labels (same, steps) with row i =
    x[i+tau:i+tau+steps] (the direct strategy's targets: every step from one window)."""
    check_tau(tau)
    if len(x) < tau + steps:
        raise DataError(f"series of length {len(x)} is too short for tau={tau} and {steps} "
                        f"steps: need at least {tau + steps} values")
    win = np.lib.stride_tricks.sliding_window_view(x, tau + steps)
    return win[:, :tau].copy(), win[:, tau:].copy()


@dataclass(frozen=True)
class Split:
    """Cut points: fit on x[:train_end], validate on targets [train_end, test_start), test after."""

    n: int
    train_end: int
    test_start: int

    @property
    def test_len(self) -> int:
        return self.n - self.test_start

    @property
    def has_valid(self) -> bool:
        return self.test_start > self.train_end


def _count(part: float | int, n: int, what: str) -> int:
    if isinstance(part, float):
        if not 0 <= part < 1:
            raise ConfigError(f"{what} fraction must be in [0, 1), got {part}")
        return round(part * n)
    if part < 0:
        raise ConfigError(f"{what} must be >= 0, got {part}")
    return int(part)


def split_series(n: int, tau: int, test: float | int = 0.2, valid: float | int = 0,
                 empty_test: bool = False) -> Split:
    """The last ``test`` values are the test span, the ``valid`` values before it validation.

    A float is a fraction of the series, an int a number of values. The training part must
    hold at least tau + 1 values (one window) and the test span at least one value, unless
    ``empty_test`` (fitting for forecasting: every value trains or validates).
    """
    check_tau(tau)
    n_test, n_valid = _count(test, n, "test"), _count(valid, n, "valid")
    train_end = n - n_test - n_valid
    if n_test < 1 and not empty_test:
        raise ConfigError(f"the test span is empty (test={test} of {n} values)")
    if train_end < tau + 1:
        raise DataError(f"series of length {n} leaves {train_end} training values; "
                        f"tau={tau} needs at least tau+1 = {tau + 1}")
    return Split(n, train_end, train_end + n_valid)


def split_windows(n: int, tau: int, train_windows: int, valid_windows: int = 0) -> Split:
    """The book's split: the first ``train_windows`` windows train, the rest (after valid) test."""
    check_tau(tau)
    train_end = tau + train_windows
    test_start = train_end + valid_windows
    if train_windows < 1 or test_start >= n:
        raise DataError(f"series of length {n} cannot hold {train_windows} training windows "
                        f"(+{valid_windows} validation) of tau={tau} and a test span")
    return Split(n, train_end, test_start)
