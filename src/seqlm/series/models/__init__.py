"""Forecasters with one fit/predict shape: baselines, linear AR, Markov MLP, latent RNN, auto.

Names are imported lazily so that ``seqlm.series.models.linear_ar`` (numpy only) never pulls in
torch; importing a model's module registers it (series/models/registry.py).
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "ARIMA": "arima", "AutoConfig": "auto", "AutoForecaster": "auto",
    "AutoregressiveMLP": "mlp", "Blend": "blend", "BoxCox": "boxcox", "DirectAR": "direct",
    "ETS": "ets", "EnsembleForecaster": "ensemble",
    "Forecaster": "base", "HybridAR": "hybrid", "LatentRNNForecaster": "latent",
    "LinearAR": "linear_ar", "MarkovForecaster": "base", "NaiveForecaster": "baselines",
    "NeuralSettings": "fit", "Preprocessed": "preprocessed",
    "SeasonalNaiveForecaster": "baselines",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
