"""Real-valued series: the book's synthetic sine, numpy arrays and CSV columns, validated.

Every loader returns a :class:`Series` whose values are finite float64; bad input raises a
:class:`~seqlm.errors.DataError` naming the problem (NaN/inf, non-numeric cell, missing column).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from seqlm.core.forecast import as_values
from seqlm.errors import ConfigError, DataError
from seqlm.series.dates import frequency, parse_dates

MISSING = frozenset({"", "na", "nan", "null", "none", "n/a", "-", "?"})
FILLS = ("error", "ffill", "interpolate", "drop")


@dataclass(frozen=True)
class Series:
    """A univariate series: values, optional time labels, a name and an optional season length."""

    values: np.ndarray
    time: np.ndarray | None = None
    name: str = "series"
    season: int | None = None
    notes: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.values)


def synthetic(T: int = 1000, noise_std: float = 0.2, seed: int = 0, freq: float = 0.01) -> Series:
    """The book's series x_t = sin(0.01 t) + N(0, 0.2^2) noise for t = 1..T (seeded)."""
    if T < 2:
        raise ConfigError(f"T must be at least 2, got {T}")
    if noise_std < 0 or not math.isfinite(noise_std):
        raise ConfigError(f"noise_std must be a finite number >= 0, got {noise_std}")
    t = np.arange(1, T + 1, dtype=np.float64)
    rng = np.random.default_rng(seed)
    x = np.sin(freq * t) + rng.normal(0.0, noise_std, size=T)
    return Series(x, time=t, name=f"synthetic sin(0.01 t) + N(0, {noise_std}^2)")


def from_array(values: np.ndarray | Sequence[float], name: str = "array",
               season: int | None = None) -> Series:
    """Wrap a numpy array (or list) as a validated Series."""
    return Series(as_values(values, name), name=name, season=season)


def load_npy(path: str | Path, name: str | None = None) -> Series:
    """A 1-D series saved with ``numpy.save`` (loaded without pickle)."""
    try:
        arr = np.load(Path(path), allow_pickle=False)
    except FileNotFoundError:
        raise DataError(f"no such file: {path}") from None
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: not a numpy .npy array ({exc})") from None
    if np.iscomplexobj(arr):
        raise DataError(f"{path}: complex values are not a real-valued series")
    if arr.size == 0:
        raise DataError(f"{path}: the array is empty")
    return from_array(arr, name=name or Path(path).stem)


def _fill(values: list[float | None], how: str, where: str) -> tuple[list[float], list[int]]:
    """Fill missing cells (``None``); returns the values and the kept row positions."""
    missing = [i for i, v in enumerate(values) if v is None]
    if not missing:
        return [float(v) for v in values if v is not None], list(range(len(values)))
    if how == "error":
        raise DataError(f"{where}: {len(missing)} missing value(s) (first at data row "
                        f"{missing[0] + 1}); choose a fill: {', '.join(FILLS[1:])}")
    if how == "drop":
        keep = [i for i, v in enumerate(values) if v is not None]
        return [float(values[i]) for i in keep], keep  # type: ignore[arg-type]
    known = [i for i, v in enumerate(values) if v is not None]
    if not known:
        raise DataError(f"{where}: every value is missing")
    vals = [float(values[i]) for i in known]  # type: ignore[arg-type]
    filled: list[float] = []
    if how == "interpolate":  # linear between neighbours, constant beyond the ends
        filled = [float(v) for v in np.interp(np.arange(len(values)), known, vals)]
    else:  # ffill: carry the last seen value forward; a leading gap takes the first value
        last = vals[0]
        for v in values:
            last = v if v is not None else last
            filled.append(last)
    return filled, list(range(len(values)))


def _number(cell: str, where: str) -> float | None:
    s = cell.strip()
    if s.lower() in MISSING:
        return None
    try:
        v = float(s)
    except ValueError:
        raise DataError(f"{where}: {s!r} is not a number (non-numeric column?)") from None
    if not math.isfinite(v):
        raise DataError(f"{where}: value {s!r} is not finite")
    return v


TIME_NAMES = frozenset({"time", "date", "datetime", "timestamp", "year", "month", "period", "ds",
                        "t", "index"})


def load_csv(path: str | Path, column: str | int | None = None, time_column: str | None = None,
             fill: str = "error", delimiter: str | None = None,
             season: int | None = None) -> Series:
    """One numeric column of a CSV file (with or without a header row) as a Series.

    ``column`` is a name or 0-based index; without it the file must have one value column
    besides the time column. The time column is ``time_column``, else a single non-numeric
    column or one named like time/date/year; ISO dates are kept as datetime64 and their
    frequency sets the season (monthly 12, quarterly 4, ...) unless ``season`` is given. A
    first row of numbers and dates only is data, not a header: no value is lost. Missing cells
    (empty, NA, NaN, ...) are an error unless ``fill`` is ffill, interpolate or drop.
    """
    if fill not in FILLS:
        raise ConfigError(f"fill must be one of {', '.join(FILLS)}, got {fill!r}")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataError(f"no such file: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{p}: cannot read as UTF-8 text ({exc})") from None
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise DataError(f"{p}: the file has no rows")
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(lines[0], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    rows = list(csv.reader(lines, delimiter=delimiter))
    has_header = not all(_is_number(c) or parse_dates([c]) is not None for c in rows[0])
    header = [h.strip() for h in rows[0]] if has_header else [str(i) for i in range(len(rows[0]))]
    data = rows[1:] if has_header else rows
    if not data:
        raise DataError(f"{p}: expected at least one data row after the header")
    if time_column is not None and time_column not in header:
        raise DataError(f"{p}: no time column {time_column!r} given by --time-column "
                        f"(columns: {', '.join(header)})")
    if time_column is None and column is None:
        time_column = _guess_time_column(header, data[0])
    col = _column_index(header, column, time_column, p)
    tcol = header.index(time_column) if time_column is not None else None
    values: list[float | None] = []
    times: list[str] = []
    first = 2 if has_header else 1
    for r, row in enumerate(data, start=first):
        if col >= len(row):
            raise DataError(f"{p} line {r}: row has {len(row)} cells, column {header[col]!r} "
                            f"is cell {col + 1}")
        values.append(_number(row[col], f"{p} line {r}, column {header[col]!r}"))
        if tcol is not None:
            times.append(row[tcol].strip() if tcol < len(row) else "")
    filled, keep = _fill(values, fill, f"{p} column {header[col]!r}")
    time = _time_array([times[i] for i in keep]) if tcol is not None else None
    notes: tuple[str, ...] = () if len(keep) == len(values) and fill == "error" else (
        f"fill={fill}",)
    if not has_header:
        notes += ("no header row",)
    if season is None:
        season = frequency(time)[1]
    return Series(np.array(filled), time=time, name=f"{p.name}:{header[col]}", season=season,
                  notes=notes)


def _is_number(cell: str) -> bool:
    try:
        float(cell.strip())
    except ValueError:
        return False
    return True


def _guess_time_column(header: list[str], first_row: list[str]) -> str | None:
    """The one non-numeric column of a two-column file, or a column named like time/date."""
    if len(header) != 2:
        return None
    text = [h for h, c in zip(header, first_row, strict=False) if not _is_number(c)]
    if len(text) == 1:
        return text[0]
    named = [h for h in header if h.strip().lower() in TIME_NAMES]
    return named[0] if len(named) == 1 and not text else None


def _column_index(header: list[str], column: str | int | None, time_column: str | None,
                  p: Path) -> int:
    if column is None:
        others = [i for i, h in enumerate(header) if h != time_column]
        if len(others) != 1:
            raise DataError(f"{p}: {len(others)} candidate value columns ({', '.join(header)}); "
                            "choose one with --column (Python: column=)")
        return others[0]
    if isinstance(column, int) or (isinstance(column, str) and column.isdigit()
                                   and column not in header):
        i = int(column)
        if not 0 <= i < len(header):
            raise DataError(f"{p}: --column index {i} out of range (0..{len(header) - 1})")
        return i
    if column not in header:
        raise DataError(f"{p}: no column {column!r} given by --column "
                        f"(columns: {', '.join(header)})")
    return header.index(column)


def _time_array(times: list[str]) -> np.ndarray:
    """Numeric labels when every label is a number, datetime64 for ISO dates, else strings."""
    try:
        return np.array([float(t) for t in times])
    except ValueError:
        dates = parse_dates(times)
        return dates if dates is not None else np.array(times, dtype=object)
