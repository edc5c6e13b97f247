"""Typed errors for bad input: the API raises them, the CLI prints one line and exits 2."""

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


def require_int(name: str, value: object, low: int = 1) -> int:
    """``value`` as an int if it is an integer (not a bool) >= ``low``, else ConfigError."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        what = "a positive integer" if low == 1 else f"an integer >= {low}"
        raise ConfigError(f"{name} must be {what}, got {value!r}")
    return int(value)
