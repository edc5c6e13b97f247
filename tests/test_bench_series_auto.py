"""bench/series_auto.py's --bounds helpers: the references' mean and validation choice, ratios."""

from __future__ import annotations

import math

import numpy as np

from tests.conftest import REPO, load_script


def bench():
    return load_script(REPO / "bench" / "series_auto.py", "series_auto")


def line(y, m):  # continues the straight line through the last two values: exact on a line
    return lambda full, origins, h: (full[origins - 1][:, None]
                                     + (full[origins - 1] - full[origins - 2])[:, None]
                                     * np.arange(1, h + 1))


def zero(y, m):
    return lambda full, origins, h: np.zeros((len(origins), h))


def test_validation_choice_picks_the_reference_that_wins_validation_and_mean_averages():
    b = bench()
    y = np.arange(200, dtype=float)
    fits = {"zero": zero, "line": line}
    start = b.test_start(len(y))
    assert b.scores(b.fit_validation_choice(fits)(y[:start], None), y, start) == (0.0, 0.0)
    origins = np.arange(start, len(y) - b.H + 1)
    want = line(y, None)(y, origins, b.H) / 2
    got = b.fit_mean_of(fits)(y[:start], None)(y, origins, b.H)
    np.testing.assert_allclose(got, want)


def test_ratios_are_over_the_per_series_best_reference_and_summarised_geometrically():
    b = bench()
    refs = {"A": None, "B": None}
    results = {"s1": {"auto": (2.0, 4.0), "A": (1.0, 8.0), "B": (4.0, 2.0)},
               "s2": {"auto": (1.0, 1.0), "A": (2.0, 1.0)},
               "s3": {"A": (1.0, 1.0)}}  # no auto: not a row
    rows = b.ratios(results, "auto", refs)
    assert rows == {"s1": (2.0, 2.0), "s2": (0.5, 1.0)}
    g, worst = b.summary(rows, 1)
    assert math.isclose(g, math.sqrt(2.0)) and worst == 2.0
