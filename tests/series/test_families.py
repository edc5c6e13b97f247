"""Synthetic families: the oracle forecasts against closed forms and brute-force simulation."""

import numpy as np
import pytest

from seqlm.errors import ConfigError, DataError
from seqlm.series import families as f
from seqlm.series.families import Family, _clipped_mean


@pytest.mark.parametrize("make", list(f.FAMILIES.values()))
def test_one_step_oracle_paths_are_the_stored_means(make):
    fam = make(seed=3)
    origins = np.arange(fam.order + 5, len(fam.values), 7)
    paths = fam.oracle_paths(origins, 1, sims=50)
    np.testing.assert_allclose(paths[:, 0], fam.oracle[origins], rtol=0, atol=1e-12)
    assert np.isnan(fam.oracle[:fam.order]).all() and np.isfinite(fam.oracle[fam.order:]).all()


def test_generators_are_seeded():
    for make in f.FAMILIES.values():
        a, b, c = make(seed=1), make(seed=1), make(seed=2)
        np.testing.assert_array_equal(a.values, b.values)
        assert not np.array_equal(a.values, c.values)


def test_linear_oracles_match_hand_closed_forms():
    h = np.arange(1, 13)
    walk = f.random_walk(seed=0)
    o = np.array([50, 200, 400])
    np.testing.assert_allclose(walk.oracle_paths(o, 12),
                               walk.values[o - 1][:, None] + 0.1 * h, atol=1e-12)
    reg = f.regime_switch(n=500, seed=0)
    o = np.array([260, 300, 499])
    np.testing.assert_allclose(reg.oracle_paths(o, 12),
                               5 + 0.3 ** h * (reg.values[o - 1][:, None] - 5), atol=1e-12)
    st = f.seasonal_trend(seed=0)
    o = np.array([13, 100, 239])
    t = o[:, None] - 1 + h
    base = 10 + 0.05 * t + 2 * np.sin(2 * np.pi * t / 12)
    e = st.values[o - 1] - (10 + 0.05 * (o - 1) + 2 * np.sin(2 * np.pi * (o - 1) / 12))
    np.testing.assert_allclose(st.oracle_paths(o, 12), base + 0.5 ** h * e[:, None], atol=1e-12)


def test_ar_oracle_matches_the_companion_matrix_power():
    fam = f.ar_process(seed=0)
    a = np.array([0.6, -0.3, 0.2])
    companion = np.vstack([a, np.eye(3)[:2]])
    o = 321
    state = fam.values[o - 3:o][::-1]  # newest first
    want = [(np.linalg.matrix_power(companion, k) @ state)[0] for k in range(1, 11)]
    np.testing.assert_allclose(fam.oracle_paths(np.array([o]), 10)[0], want, atol=1e-12)


@pytest.mark.parametrize("make", [f.ar_process, f.seasonal_trend, f.regime_switch])
def test_linear_oracle_is_the_mean_of_brute_force_simulations(make):
    """Simulate the generator's own loop from an origin many times; the exact oracle must sit
    within 4 standard errors of the simulated mean at every horizon."""
    fam = make(seed=4)
    o, H, n = 180, 6, 20000
    rng = np.random.default_rng(9)
    sims = np.empty((n, H))
    for i in range(n):
        hist = list(fam.values[o - fam.order:o])
        for h in range(H):
            hist.append(float(fam.step(np.array(hist[-fam.order:]), o + h, rng.standard_normal())))
        sims[i] = hist[fam.order:]
    se = sims.std(axis=0) / np.sqrt(n)
    assert np.all(np.abs(fam.oracle_paths(np.array([o]), H)[0] - sims.mean(0)) < 4 * se)


def test_clipped_mean_matches_sampling_and_is_the_plain_mean_far_from_bounds():
    z = np.random.default_rng(0).standard_normal(400_000)
    for m in (-0.02, 0.0, 0.03, 0.5, 0.98, 1.0, 1.04):
        sampled = np.clip(m + 0.05 * z, 0.0, 1.0).mean()
        assert abs(float(_clipped_mean(np.array(m), 0.05, 0.0, 1.0)) - sampled) < 3e-4
    assert float(_clipped_mean(np.array(0.5), 0.05, 0.0, 1.0)) == pytest.approx(0.5, abs=1e-12)
    assert float(_clipped_mean(np.array(0.0), 0.05, 0.0, 1.0)) == pytest.approx(
        0.05 / np.sqrt(2 * np.pi), rel=1e-9)


@pytest.mark.parametrize("make", [f.logistic_map, f.setar])
def test_nonlinear_oracle_beats_the_linear_recursion_and_is_stable_across_seeds(make):
    fam = make(seed=0)
    y = fam.values
    origins = np.arange(800, len(y) - 8)
    truth = y[origins[:, None] + np.arange(8)]
    a = fam.oracle_paths(origins, 8, sims=3000, seed=0)
    b = fam.oracle_paths(origins, 8, sims=3000, seed=1)
    assert np.max(np.abs(a - b)) < 0.03  # Monte-Carlo error, not a different answer
    plain = np.empty_like(a)  # iterate the noise-free map: ignores the noise's effect
    x = y[origins - 1]
    step = fam.step
    assert step is not None
    for h in range(8):
        x = step(x[:, None], 0, 0.0)
        plain[:, h] = x
    per_h = np.sqrt(np.mean((a - truth) ** 2, axis=0))
    assert np.all(per_h[3:] < np.sqrt(np.mean((plain - truth) ** 2, axis=0))[3:])
    assert per_h[0] < 0.06  # the noise sd is 0.05
    # far ahead the conditional mean tends to the unconditional one: its error to the spread
    assert per_h[-1] < 1.1 * np.std(truth[:, -1])


def test_bad_origins_and_missing_dynamics_are_typed_errors():
    fam = f.ar_process(n=100, seed=0)
    with pytest.raises(DataError, match="origins"):
        fam.oracle_paths(np.array([2]), 3)
    with pytest.raises(DataError, match="origins"):
        fam.oracle_paths(np.array([101]), 3)
    with pytest.raises(ConfigError, match="horizon"):
        fam.oracle_paths(np.array([50]), 0)
    assert fam.oracle_paths(np.array([], dtype=int), 4).shape == (0, 4)
    with pytest.raises(ConfigError, match="no dynamics"):
        Family("x", np.zeros(5)).oracle_paths(np.array([1]), 2)
