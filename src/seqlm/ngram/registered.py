"""Estimators by name: the built-in ones are registered on import of their modules (here), any
other by importing the module that defines it (smoothing.py says how to write one)."""

from __future__ import annotations

import seqlm.ngram.count_based
import seqlm.ngram.estimators  # noqa: F401 (registers the interpolated ones and "arpa")
from seqlm.ngram.errors import ConfigError
from seqlm.ngram.smoothing import ESTIMATORS, Smoothing, SmoothingConfig


def estimator_class(name: str) -> type[Smoothing]:
    """The registered estimator class named ``name`` (ConfigError naming the choices)."""
    if not isinstance(name, str):
        raise ConfigError(f"an estimator is named by a string, got {name!r}")
    return ESTIMATORS[name]


def fittable_estimators() -> list[str]:
    """Names of the estimators a model can be fitted with."""
    return [n for n, cls in ESTIMATORS.items() if cls.fittable]


def make_smoothing(name: str, config: SmoothingConfig) -> Smoothing:
    """The estimator ``name`` built from ``config``."""
    return estimator_class(name)(config)
