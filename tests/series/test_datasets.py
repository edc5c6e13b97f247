"""The statsmodels series, read offline from the wheel's CSV files, checked against statsmodels."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from seqlm.errors import DatasetError
from seqlm.series.datasets import load_dataset

sm = pytest.importorskip("statsmodels.api")


def test_sunspots_and_nile_match_statsmodels_loaders() -> None:
    s = load_dataset("sunspots")
    ref = sm.datasets.sunspots.load_pandas().data
    assert len(s) == 309 and s.season == 11
    assert np.array_equal(s.values, ref["SUNACTIVITY"].to_numpy())
    assert np.array_equal(s.time, ref["YEAR"].to_numpy())
    n = load_dataset("nile")
    assert np.array_equal(n.values, sm.datasets.nile.load_pandas().data["volume"].to_numpy())


def test_co2_monthly_matches_pandas_resample() -> None:
    s = load_dataset("co2")
    weekly = sm.datasets.co2.load_pandas().data["co2"]
    # pandas' own monthly means (blank weeks skipped), empty months interpolated linearly
    ref = weekly.resample("MS").mean().interpolate("linear")
    assert len(s) == len(ref) == 526 and s.season == 12
    assert np.allclose(s.values, ref.to_numpy())
    assert s.time[0] == pytest.approx(1958 + 2 / 12) and "5 months" in s.notes[0]


def test_unknown_name_and_missing_statsmodels(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(DatasetError, match="unknown series dataset"):
        load_dataset("airline")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "statsmodels" else real(name, *a))
    with pytest.raises(DatasetError, match="pip install statsmodels"):
        load_dataset("sunspots")
