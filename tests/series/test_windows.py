"""Windows, chronological splits and the scaler: shapes by brute force, and no look-ahead."""

from __future__ import annotations

import numpy as np
import pytest

from seqlm.errors import ConfigError, DataError
from seqlm.series.models import LinearAR, NaiveForecaster
from seqlm.series.predict import free_running, one_step
from seqlm.series.scaling import Scaler
from seqlm.series.windows import make_windows, split_series, split_windows


def test_windows_match_a_loop() -> None:
    x = np.arange(10.0) ** 2
    feats, labels = make_windows(x, 3)
    for i in range(len(x) - 3):
        assert feats[i].tolist() == [x[i], x[i + 1], x[i + 2]] and labels[i] == x[i + 3]
    assert feats.shape == (7, 3)
    f1, l1 = make_windows(x[:2], 1)
    assert f1.tolist() == [[0.0]] and l1.tolist() == [1.0]


@pytest.mark.parametrize("tau", [0, -1, 2.5, True])
def test_bad_tau(tau: object) -> None:
    with pytest.raises(ConfigError, match="tau"):
        make_windows(np.arange(5.0), tau)  # type: ignore[arg-type]


def test_too_short_for_tau() -> None:
    with pytest.raises(DataError, match="tau\\+1"):
        make_windows(np.arange(4.0), 4)


def test_splits() -> None:
    sp = split_series(100, 4, test=0.2, valid=0.1)
    assert (sp.train_end, sp.test_start, sp.test_len, sp.has_valid) == (70, 80, 20, True)
    assert split_series(100, 4, test=25).train_end == 75
    book = split_windows(1000, 4, 600)
    assert (book.train_end, book.test_start, book.test_len) == (604, 604, 396)
    with pytest.raises(DataError):
        split_series(10, 8, test=0.5)
    with pytest.raises(ConfigError):
        split_series(100, 4, test=0.0)
    with pytest.raises(ConfigError):
        split_series(100, 4, test=1.5)
    with pytest.raises(DataError):
        split_windows(100, 4, 96)


def test_scaler_roundtrip_and_constant() -> None:
    x = np.array([1.0, 2.0, 3.0, 6.0])
    sc = Scaler.fit(x)
    assert sc.mean == 3.0 and sc.std == pytest.approx(np.sqrt(3.5))
    assert np.allclose(sc.inverse(sc.transform(x)), x)
    assert Scaler.fit(np.ones(3)).std == 1.0
    with pytest.raises(DataError):
        Scaler.fit(np.array([]))


def test_no_look_ahead_when_the_future_changes() -> None:
    """Perturb everything after the cut: the fitted scaler, training windows, coefficients and
    every forecast made from an origin before the perturbation stay identical."""
    rng = np.random.default_rng(0)
    y = np.cumsum(rng.normal(size=300))
    sp = split_series(len(y), 5, test=0.3)
    y2 = y.copy()
    y2[sp.train_end:] += rng.normal(scale=50, size=len(y) - sp.train_end)
    assert Scaler.fit(y[:sp.train_end]) == Scaler.fit(y2[:sp.train_end])
    assert np.array_equal(make_windows(y[:sp.train_end], 5)[0],
                          make_windows(y2[:sp.train_end], 5)[0])
    a, b = LinearAR(5).fit(y[:sp.train_end]), LinearAR(5).fit(y2[:sp.train_end])
    assert np.array_equal(a.coef, b.coef)
    # one-step prediction of y[t] uses y[:t] only: identical up to and including the cut
    p1, p2 = one_step(a, y, 5), one_step(a, y2, 5)
    cut = sp.train_end - 5
    assert np.array_equal(p1[:cut + 1], p2[:cut + 1])
    assert not np.allclose(p1[cut + 1:], p2[cut + 1:])
    assert np.array_equal(free_running(a, y, sp.train_end), free_running(a, y2, sp.train_end))
    n1 = NaiveForecaster().predict_paths(y, [sp.train_end], 10)
    assert np.all(n1 == y[sp.train_end - 1])
