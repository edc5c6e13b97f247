"""Forecasters with one fit/predict shape: baselines, linear AR, ETS, ARIMA, hybrids, auto.

Names are imported lazily so that ``seqlm.series.models.linear_ar`` (numpy only) never pulls in
torch; importing a model's module registers it (series/models/registry.py). The neural
forecasters trained by the shared loop (the book's MLP and the latent RNN) sit one layer up, in
``seqlm.apps.forecast``, over the nets defined here (nets.py) and their batches (batches.py).
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "ARIMA": "arima", "AutoConfig": "auto", "AutoForecaster": "auto",
    "Blend": "blend", "BoxCox": "boxcox", "DirectAR": "direct",
    "ETS": "ets", "EnsembleForecaster": "ensemble",
    "Forecaster": "base", "HybridAR": "hybrid",
    "LinearAR": "linear_ar", "MarkovForecaster": "base", "NaiveForecaster": "baselines",
    "Preprocessed": "preprocessed",
    "SeasonalNaiveForecaster": "baselines",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
