"""Forecasters with one fit/predict shape: baselines, linear AR, Markov MLP, latent RNN."""

from seqlm.series.models.base import Forecaster, MarkovForecaster
from seqlm.series.models.baselines import NaiveForecaster, SeasonalNaiveForecaster
from seqlm.series.models.ensemble import EnsembleForecaster
from seqlm.series.models.fit import NeuralSettings
from seqlm.series.models.latent import LatentRNNForecaster
from seqlm.series.models.linear_ar import LinearAR
from seqlm.series.models.mlp import AutoregressiveMLP

__all__ = ["AutoregressiveMLP", "EnsembleForecaster", "Forecaster", "LatentRNNForecaster",
           "LinearAR", "MarkovForecaster", "NaiveForecaster", "NeuralSettings",
           "SeasonalNaiveForecaster"]
