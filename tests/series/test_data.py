"""Loading series: the synthetic sine, arrays, .npy and CSV columns, with every bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from seqlm.errors import ConfigError, DataError
from seqlm.series.data import as_values, from_array, load_csv, load_npy, synthetic


def test_synthetic_is_the_books_series_and_seeded() -> None:
    s = synthetic(T=1000, seed=3)
    t = np.arange(1, 1001)
    noise = s.values - np.sin(0.01 * t)
    assert len(s) == 1000 and np.array_equal(s.time, t)
    assert abs(noise.std() - 0.2) < 0.015 and abs(noise.mean()) < 0.03
    assert np.array_equal(synthetic(seed=3).values, s.values)
    assert not np.array_equal(synthetic(seed=4).values, s.values)
    assert np.allclose(synthetic(T=5, noise_std=0.0).values, np.sin(0.01 * np.arange(1, 6)))


@pytest.mark.parametrize("bad", [[1.0, np.nan, 2.0], [1.0, np.inf], [[1, 2], [3, 4]], ["a", "b"]])
def test_as_values_rejects_nan_inf_2d_and_text(bad: object) -> None:
    with pytest.raises(DataError):
        as_values(bad)  # type: ignore[arg-type]


def test_from_array_and_npy(tmp_path: Path) -> None:
    arr = np.array([[1.0], [2.0], [3.5]])
    assert from_array(arr).values.tolist() == [1.0, 2.0, 3.5]
    np.save(tmp_path / "x.npy", arr.ravel())
    assert load_npy(tmp_path / "x.npy").values.tolist() == [1.0, 2.0, 3.5]
    with pytest.raises(DataError):
        load_npy(tmp_path / "missing.npy")
    (tmp_path / "junk.npy").write_text("not numpy")
    with pytest.raises(DataError):
        load_npy(tmp_path / "junk.npy")


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "s.csv"
    p.write_text(text)
    return p


def test_csv_column_and_time(tmp_path: Path) -> None:
    p = write(tmp_path, "year,flow,label\n1871,1120,a\n1872,1160,b\n1873,963,c\n")
    s = load_csv(p, column="flow", time_column="year")
    assert s.values.tolist() == [1120, 1160, 963] and s.time.tolist() == [1871, 1872, 1873]
    assert load_csv(p, column=1).values.tolist() == [1120, 1160, 963]
    semi = write(tmp_path, "t;v\n2020-01;1.5\n2020-02;2.5\n")
    s = load_csv(semi, time_column="t")  # the only other column is chosen
    months = s.time.astype("datetime64[M]").astype(str).tolist()
    assert s.values.tolist() == [1.5, 2.5] and months == ["2020-01", "2020-02"]


def test_csv_missing_values_error_or_explicit_fill(tmp_path: Path) -> None:
    p = write(tmp_path, "v\n1\n\n3\nNA\n6\nnan\n")  # blank line is skipped, NA / nan are missing
    with pytest.raises(DataError, match="missing value"):
        load_csv(p)
    assert load_csv(p, fill="ffill").values.tolist() == [1, 3, 3, 6, 6]
    assert load_csv(p, fill="interpolate").values.tolist() == [1, 3, 4.5, 6, 6]
    assert load_csv(p, fill="drop").values.tolist() == [1, 3, 6]
    lead = write(tmp_path, "v\nNA\n2\n")
    assert load_csv(lead, fill="ffill").values.tolist() == [2, 2]
    with pytest.raises(ConfigError):
        load_csv(p, fill="mean")


@pytest.mark.parametrize(("text", "kwargs", "needle"), [
    ("a,b\n1,x\n", {"column": "b"}, "not a number"),
    ("a,b\n1,2\n", {"column": "c"}, "no column 'c'"),
    ("a,b\n1,2\n", {}, "candidate value columns"),
    ("a,b\n1,2\n", {"column": "a", "time_column": "when"}, "no time column"),
    ("a\n1\ninf\n", {}, "not finite"),
    ("a\n", {}, "at least one data row"),
    ("a,b\n1,2\n3\n", {"column": "b"}, "row has 1 cells"),
])
def test_csv_bad_input(tmp_path: Path, text: str, kwargs: dict, needle: str) -> None:
    with pytest.raises(DataError, match=needle):
        load_csv(write(tmp_path, text), **kwargs)


def test_csv_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        load_csv(tmp_path / "nope.csv")
