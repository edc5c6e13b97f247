"""Time labels: ISO dates parsed, their frequency named (and the season it implies), extended.

A monthly index (steps of 28-31 days) implies season 12, quarterly 4, weekly 52, daily 7,
hourly 24; yearly and irregular indices imply none. ``extend`` gives the labels of the values
after the last one, so a forecast past the end of the data is dated.
"""

from __future__ import annotations

import numpy as np

# (name, smallest and largest median step in days, season)
FREQS = (("hourly", 1 / 24 * 0.9, 1 / 24 * 1.1, 24), ("daily", 0.9, 1.1, 7),
         ("weekly", 6.9, 7.1, 52), ("monthly", 27.9, 31.1, 12),
         ("quarterly", 88.9, 92.1, 4), ("yearly", 364.9, 366.1, None))


def parse_dates(labels: list[str]) -> np.ndarray | None:
    """datetime64 labels when every label is an ISO date/time (2020-01, 2020-01-31, ...)."""
    if not labels:
        return None
    try:
        out = np.array([np.datetime64(s.strip().replace(" ", "T")) for s in labels])
    except ValueError:
        return None
    return out.astype("datetime64[s]")


def frequency(time: np.ndarray | None) -> tuple[str | None, int | None]:
    """The index's frequency name and implied season (None, None when unknown/irregular)."""
    if time is None or len(time) < 3 or time.dtype.kind != "M":
        return None, None
    steps = np.diff(time).astype("timedelta64[s]").astype(np.float64) / 86400
    med = float(np.median(steps))
    for name, lo, hi, season in FREQS:
        if lo <= med <= hi:
            return name, season
    return None, None


def extend(time: np.ndarray | None, n: int) -> list[str]:
    """Labels of the ``n`` values after ``time`` (positions when there are no labels)."""
    if time is None or len(time) == 0:
        return [""] * n
    if time.dtype.kind == "M":
        name, _ = frequency(time)
        last = time[-1]
        if name in ("monthly", "quarterly", "yearly"):
            months = {"monthly": 1, "quarterly": 3, "yearly": 12}[name]
            day = last - last.astype("datetime64[M]").astype("datetime64[s]")
            base = last.astype("datetime64[M]")
            out = [(base + months * (i + 1)).astype("datetime64[s]") + day for i in range(n)]
        else:
            step = np.median(np.diff(time)) if len(time) > 1 else np.timedelta64(1, "D")
            out = [last + step * (i + 1) for i in range(n)]
        return [format_time(t) for t in out]
    if time.dtype.kind in "fi" and len(time) > 1:
        step = float(np.median(np.diff(time)))
        return [format_time(float(time[-1]) + step * (i + 1)) for i in range(n)]
    return [""] * n


def format_time(t: object) -> str:
    """A label as text: dates without a zero time of day, numbers without a trailing .0."""
    if isinstance(t, np.datetime64):
        s = str(t.astype("datetime64[s]"))
        return s[:10] if s.endswith("T00:00:00") else s.replace("T", " ")
    if isinstance(t, float | np.floating):
        return f"{float(t):.10g}"
    return str(t)
