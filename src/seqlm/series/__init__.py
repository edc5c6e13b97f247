"""Sequence models for real-valued series: the seed's Plan A (Markov) and Plan B (latent state).

Data (synthetic sine, CSV, numpy, statsmodels' sunspots/co2/nile), windows and leakage-free
chronological splits, forecasters with one fit/predict shape (``auto`` the default), one-step /
free-running / k-step prediction, the results table and the book's pictures. The neural
forecasters trained by the shared loop (``AutoregressiveMLP``, ``LatentRNNForecaster``) are in
``seqlm.apps.forecast``, one layer up. Names load lazily: importing ``seqlm.series`` or its
numpy-only parts does not import torch.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Series": "data", "as_values": "data", "from_array": "data", "load_csv": "data",
    "load_npy": "data", "synthetic": "data", "DATASETS": "datasets", "load_dataset": "datasets",
    "Score": "evaluate", "evaluate": "evaluate", "format_table": "evaluate",
    "write_csv": "evaluate", "KStep": "predict", "free_running": "predict", "k_step": "predict",
    "one_step": "predict", "Scaler": "scaling", "Split": "windows", "make_windows": "windows",
    "split_series": "windows", "split_windows": "windows",
}
_MODELS = ("AutoConfig", "AutoForecaster", "Forecaster", "LinearAR", "NaiveForecaster",
           "SeasonalNaiveForecaster")

__all__ = sorted([*_WHERE, *_MODELS])


def __getattr__(name: str) -> Any:
    if name in _MODELS:
        return getattr(importlib.import_module("seqlm.series.models"), name)
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ``evaluate`` is a submodule and a function: the first import of the submodule (by any model
# or verb) binds the package attribute to the module, which would then shadow the lazy name.
# Binding the function here keeps ``from seqlm.series import evaluate`` the function (numpy
# only: no torch).
from seqlm.series.evaluate import evaluate as evaluate  # noqa: E402
