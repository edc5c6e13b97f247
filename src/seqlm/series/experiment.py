"""The experiment in one place: fit models on the training part of a split, score the test span.

Used by the CLI, the demo and the benches, so all three split and fit the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from seqlm.series.data import as_values
from seqlm.series.evaluate import Score, evaluate
from seqlm.series.models.base import Forecaster
from seqlm.series.windows import Split


def fit_split(model: Forecaster, y: np.ndarray, split: Split, **fit_kwargs: Any) -> Forecaster:
    """Fit on y[:train_end] (validation values y[train_end:test_start] for early stopping).

    Only these slices are handed to the model, so nothing in the test span can leak into it.
    """
    y = as_values(y)
    valid = y[split.train_end:split.test_start] if split.has_valid else None
    return model.fit(y[:split.train_end], valid, **fit_kwargs)


def run_experiment(models: Mapping[str, Forecaster], y: np.ndarray, split: Split,
                   ks: Sequence[int] = (1, 4, 16, 64)) -> list[Score]:
    """Fit every model on the split and return the test-span results table (rows are named
    after the fitted models, e.g. with the lag order AIC chose)."""
    for model in models.values():
        fit_split(model, y, split)
    return evaluate({m.name: m for m in models.values()}, y, split.test_start, ks)
