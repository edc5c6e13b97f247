"""Build forecasters and load series by name (shared by the CLI, the demo and the benches)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seqlm.errors import ConfigError
from seqlm.series.data import Series, load_csv, load_npy, synthetic
from seqlm.series.datasets import DATASETS, load_dataset
from seqlm.series.models import (
    AutoregressiveMLP,
    Forecaster,
    LatentRNNForecaster,
    LinearAR,
    NaiveForecaster,
    NeuralSettings,
    SeasonalNaiveForecaster,
)

MODELS = ("naive", "seasonal-naive", "ar", "mlp", "latent")


def parse_tau(text: str | int) -> int | str:
    """``aic`` or a positive integer (as text from the command line)."""
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    elif isinstance(text, str) and text.strip().lower() == "aic":
        return "aic"
    else:
        try:
            value = int(str(text).strip())
        except ValueError:
            raise ConfigError(f"tau must be a positive integer or 'aic', got {text!r}") from None
    if value <= 0:
        raise ConfigError(f"tau must be a positive integer, got {value}")
    return value


def build_model(name: str, tau: int | str = 4, season: int | None = None,
                hidden: int = 16, cell: str = "gru", mlp_hidden: tuple[int, ...] = (10,),
                max_lags: int = 20, seq_len: int = 64, burn_in: int = 16,
                **settings: Any) -> Forecaster:
    """A fresh forecaster: naive, seasonal-naive, ar (tau or 'aic'), mlp (tau), latent."""
    if name == "naive":
        return NaiveForecaster()
    if name == "seasonal-naive":
        if season is None:
            raise ConfigError("seasonal-naive needs a season length (--season)")
        return SeasonalNaiveForecaster(season)
    if name == "ar":
        return LinearAR(tau, max_lags=max_lags)
    if name in ("mlp", "latent"):
        s = {k: v for k, v in settings.items() if v is not None}
        if name == "mlp":
            if tau == "aic":
                raise ConfigError("tau='aic' selects the order of the linear AR model only")
            defaults = {"epochs": 10, "lr": 0.01, "batch_size": 16}
            return AutoregressiveMLP(int(tau), mlp_hidden, NeuralSettings(**{**defaults, **s}))
        defaults = {"epochs": 30, "lr": 0.01, "batch_size": 32}
        return LatentRNNForecaster(hidden, cell, seq_len=seq_len, burn_in=burn_in,
                                   settings=NeuralSettings(**{**defaults, **s}))
    raise ConfigError(f"unknown model {name!r}; choose from {', '.join(MODELS)}")


def load_series(source: str, column: str | None = None, time_column: str | None = None,
                fill: str = "error", season: int | None = None, T: int = 1000,
                noise: float = 0.2, seed: int = 0) -> Series:
    """``synthetic`` (seeded), a statsmodels dataset name, or a .csv / .npy file."""
    if source == "synthetic":
        s = synthetic(T=T, noise_std=noise, seed=seed)
    elif source in DATASETS:
        s = load_dataset(source)
    elif Path(source).suffix.lower() == ".npy":
        s = load_npy(source)
    else:
        s = load_csv(source, column=column, time_column=time_column, fill=fill)
    if season is not None:
        if season < 1:
            raise ConfigError(f"season must be a positive integer, got {season}")
        s = Series(s.values, s.time, s.name, season, s.notes)
    return s
