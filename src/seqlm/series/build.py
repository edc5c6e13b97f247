"""Build forecasters and load series by name (shared by the CLI, the demo and the benches)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seqlm.errors import ConfigError
from seqlm.series.data import Series, load_csv, load_npy, synthetic
from seqlm.series.datasets import DATASETS, load_dataset
from seqlm.series.models import (
    AutoConfig,
    AutoForecaster,
    DirectAR,
    Forecaster,
    LinearAR,
    NaiveForecaster,
    Preprocessed,
    SeasonalNaiveForecaster,
)
from seqlm.series.models.registry import SERIES, canonical
from seqlm.series.transform import Differencing

MODELS = ("auto", "naive", "seasonal_naive", "linear_ar", "ets", "arima", "mlp", "latent")
# parts of other models: saved and loaded, not fitted by name
PARTS = ("blend", "preprocessed", "hybrid_ar", "direct_ar", "ensemble", "boxcox")


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
            raise ConfigError(f"--tau must be a positive integer or 'aic', got {text!r}") from None
    if value <= 0:
        raise ConfigError(f"--tau must be a positive integer, got {value}")
    return value


def build_model(name: str, tau: int | str = 4, season: int | None = None,
                hidden: int = 16, cell: str = "gru", mlp_hidden: tuple[int, ...] = (10,),
                max_lags: int | None = None, seq_len: int = 64, burn_in: int = 16,
                horizon: int = 12, difference: int = 0, seasonal_difference: int = 0,
                detrend: bool = False, window_norm: bool = False,
                seasonal_profile: bool = False, strategy: str = "auto",
                **settings: Any) -> Forecaster:
    """A fresh forecaster by registered name (old spellings accepted): auto, naive,
    seasonal_naive, linear_ar (tau or 'aic'), mlp (tau or 'aic'), latent; the preprocessing
    options (differences, detrending, a fixed seasonal profile) wrap any of them (auto
    chooses its own). ``strategy`` "direct": one AR per horizon (linear_ar) or a multi-output
    head (mlp) over ``horizon`` steps; "auto": auto validates both, the others are recursive."""
    kind = canonical(name)
    if strategy not in ("auto", "recursive", "direct"):
        raise ConfigError(f"--strategy must be auto, recursive or direct, got {strategy!r}")
    if strategy == "direct" and kind not in ("auto", "linear_ar", "mlp"):
        raise ConfigError(f"--strategy direct applies to auto, linear_ar and mlp, not {kind}")
    if kind in PARTS:
        raise ConfigError(f"{kind!r} is a part of auto, not a model to fit by name; choose "
                          f"from {', '.join(MODELS)}")
    if kind == "auto":
        return AutoForecaster(AutoConfig(horizon=horizon, season=season, max_lags=max_lags,
                                         strategy=strategy,
                                         seed=int(settings.get("seed") or 0)))
    if kind == "naive":
        model: Forecaster = NaiveForecaster()
    elif kind == "seasonal_naive":
        if season is None:
            raise ConfigError("seasonal_naive needs a season length (--season)")
        model = SeasonalNaiveForecaster(season)
    elif kind == "linear_ar" and strategy == "direct":
        model = DirectAR(tau, horizon, max_lags or 20)
    elif kind == "linear_ar":
        model = LinearAR(tau, max_lags=max_lags or 20)
    else:  # a model registered elsewhere (mlp and latent: seqlm.apps.forecast), from its options
        cls = SERIES[kind]
        opts = {"tau": tau, "season": season, "hidden": hidden, "cell": cell,
                "mlp_hidden": mlp_hidden, "max_lags": max_lags, "seq_len": seq_len,
                "burn_in": burn_in, "horizon": horizon, "window_norm": window_norm,
                "strategy": strategy, **settings}
        model = cls.from_options(opts) if hasattr(cls, "from_options") else cls()
    if difference or seasonal_difference or detrend or seasonal_profile:
        if (seasonal_difference or seasonal_profile) and not season:
            flag = "seasonal-difference" if seasonal_difference else "seasonal-profile"
            raise ConfigError(f"--{flag} needs a season (--season)")
        return Preprocessed(model, Differencing(difference, seasonal_difference, season or 1),
                            detrend or seasonal_profile, season if seasonal_profile else 1)
    return model


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
        if not 1 <= season <= 10_000:
            raise ConfigError(f"--season must be an integer in 1..10000, got {season}")
        s = Series(s.values, s.time, s.name, season, s.notes)
    return s
