"""Sequence models for real-valued series: the seed's Plan A (Markov) and Plan B (latent state).

Data (synthetic sine, CSV, numpy, statsmodels' sunspots/co2/nile), windows and leakage-free
chronological splits, forecasters with one fit/predict shape, one-step / free-running / k-step
prediction, the results table and the book's pictures.
"""

from seqlm.series.data import Series, as_values, from_array, load_csv, load_npy, synthetic
from seqlm.series.datasets import DATASETS, load_dataset
from seqlm.series.evaluate import Score, evaluate, format_table, write_csv
from seqlm.series.models import (
    AutoregressiveMLP,
    Forecaster,
    LatentRNNForecaster,
    LinearAR,
    NaiveForecaster,
    NeuralSettings,
    SeasonalNaiveForecaster,
)
from seqlm.series.predict import KStep, free_running, k_step, one_step
from seqlm.series.scaling import Scaler
from seqlm.series.windows import Split, make_windows, split_series, split_windows

__all__ = [
    "DATASETS", "AutoregressiveMLP", "Forecaster", "KStep", "LatentRNNForecaster", "LinearAR",
    "NaiveForecaster", "NeuralSettings", "Scaler", "Score", "SeasonalNaiveForecaster", "Series",
    "Split", "as_values", "evaluate", "format_table", "free_running", "from_array", "k_step",
    "load_csv", "load_dataset", "load_npy", "make_windows", "one_step", "split_series",
    "split_windows", "synthetic", "write_csv",
]
