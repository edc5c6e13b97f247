"""Typed errors for bad input: the API raises them, the CLI prints one line and exits 2."""

import math
import numbers


class SeqlmError(Exception):
    """Base class for every error caused by input the user can fix."""


class DataError(SeqlmError):
    """A corpus or data file is missing, empty, binary, not UTF-8 or too short."""


class DatasetError(SeqlmError):
    """A registered dataset is unknown, unreachable, or fails its checksum."""


class ConfigError(SeqlmError):
    """A setting is out of range (batch size 0, negative steps, unknown option...)."""


def require_positive(name: str, value: int | float) -> None:
    """Raise ConfigError unless ``value`` is a finite number > 0."""
    if not (value > 0) or value != value or value == float("inf"):
        raise ConfigError(f"{name} must be a positive number, got {value!r}")


def require_int(name: str, value: object, low: int | None = 1) -> int:
    """``value`` as an int if it is an integer (not a bool) >= ``low`` (None: any), else
    ConfigError."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral)
            or (low is not None and value < low)):
        what = ("an integer" if low is None else "a positive integer" if low == 1
                else f"an integer >= {low}")
        raise ConfigError(f"{name} must be {what}, got {value!r}")
    return int(value)


def require_number(name: str, value: object, low: float | None = None,
                   high: float | None = None, *, strict: bool = False,
                   finite: bool = True) -> float:
    """``value`` as a float if it is a real number (not a bool), finite unless ``finite`` is
    False, >= ``low`` (> when ``strict``) and <= ``high``; else ConfigError."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    x = float(value) if ok else math.nan  # type: ignore[arg-type]
    if ok and finite:
        ok = math.isfinite(x)
    elif ok:
        ok = x == x  # NaN is never a number we accept
    if ok and low is not None:
        ok = x > low if strict else x >= low
    if ok and high is not None:
        ok = x <= high
    if not ok:
        what = "a finite number" if finite else "a number"
        if low is not None:
            what += f" {'>' if strict else '>='} {low:g}"
        if high is not None:
            what += f"{' and' if low is not None else ''} <= {high:g}"
        raise ConfigError(f"{name} must be {what}, got {value!r}")
    return x


def require_fraction(name: str, value: object, *, closed: bool = False) -> float:
    """``value`` as a float if it is a number in [0, 1) ([0, 1] when ``closed``): a dropout
    rate, a share of the data, an interpolation weight; else ConfigError."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    x = float(value) if ok else math.nan  # type: ignore[arg-type]
    if not (0.0 <= x <= 1.0 if closed else 0.0 <= x < 1.0):
        raise ConfigError(f"{name} must be in [0, 1{']' if closed else ')'}, got {value!r}")
    return x


def first_line(exc: BaseException, limit: int = 200) -> str:
    """The first line of ``exc``'s message (its type name if empty) for a one-line error; longer
    than ``limit``, it is cut at a word boundary and ends with " ..." (never cut mid-word)."""
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()),
                type(exc).__name__)
    if len(text) <= limit:
        return text
    head = text[: limit - 4]
    space = head.rfind(" ")
    return text if space <= 0 else head[:space].rstrip() + " ..."
