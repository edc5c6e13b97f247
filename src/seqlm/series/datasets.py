"""Real series that ship inside the statsmodels wheel, read offline from its CSV files.

statsmodels is an optional dependency: without it these loaders raise a DatasetError that says
how to install it. Nothing is downloaded.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import numpy as np

from seqlm.errors import DatasetError
from seqlm.series.data import Series

DATASETS = {
    "sunspots": "yearly mean sunspot numbers 1700-2008 (statsmodels), season ~11 years",
    "co2": "Mauna Loa CO2 ppm, weekly 1958-2001 averaged to monthly (statsmodels), season 12",
    "nile": "annual Nile flow at Aswan 1871-1970, 10^8 m^3 (statsmodels)",
}


def _csv_rows(name: str) -> list[dict[str, str]]:
    spec = importlib.util.find_spec("statsmodels")
    if spec is None or not spec.submodule_search_locations:
        raise DatasetError(f"dataset {name!r} ships with statsmodels, which is not installed; "
                           "pip install statsmodels")
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / name / f"{name}.csv"
    if not path.is_file():
        raise DatasetError(f"dataset {name!r}: {path} not found in this statsmodels install")
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def co2_monthly(rows: list[dict[str, str]]) -> tuple[np.ndarray, np.ndarray, int]:
    """Average the weekly readings of each calendar month (skipping blanks).

    Months without any reading are filled by linear interpolation between their neighbours;
    returns values, month labels as year + (month - 1) / 12, and the number of filled months.
    """
    months: dict[tuple[int, int], list[float]] = {}
    for r in rows:
        key = (int(r["date"][:4]), int(r["date"][4:6]))
        months.setdefault(key, [])
        if r["co2"].strip():
            months[key].append(float(r["co2"]))
    first, last = min(months), max(months)
    keys = [(y, m) for y in range(first[0], last[0] + 1) for m in range(1, 13)
            if first <= (y, m) <= last]
    vals = np.array([np.mean(months[k]) if months.get(k) else np.nan for k in keys])
    pos = np.arange(len(vals))
    gaps = np.isnan(vals)
    vals[gaps] = np.interp(pos[gaps], pos[~gaps], vals[~gaps])
    time = np.array([y + (m - 1) / 12 for y, m in keys])
    return vals, time, int(gaps.sum())


def load_dataset(name: str) -> Series:
    """Load ``sunspots``, ``co2`` (monthly) or ``nile`` from the installed statsmodels wheel."""
    if name not in DATASETS:
        raise DatasetError(f"unknown series dataset {name!r}; choose one of "
                           f"{', '.join(sorted(DATASETS))}")
    rows = _csv_rows(name)
    if name == "sunspots":
        return Series(np.array([float(r["SUNACTIVITY"]) for r in rows]),
                      time=np.array([float(r["YEAR"]) for r in rows]), name=name, season=11)
    if name == "nile":
        return Series(np.array([float(r["volume"]) for r in rows]),
                      time=np.array([float(r["year"]) for r in rows]), name=name)
    vals, time, filled = co2_monthly(rows)
    return Series(vals, time=time, name="co2 (monthly)", season=12,
                  notes=(f"{filled} months without readings filled by interpolation",))
