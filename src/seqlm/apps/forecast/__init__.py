"""The neural forecasters of the series part, trained by the shared loop ``seqlm.train``.

The book's Markov model (an MLP on the last tau values, Plan A) and the latent-state RNN
(Plan B): their nets and batches are defined in ``seqlm.series.models``; here they are fitted
through ``seqlm.train`` (clipping, early stopping, checkpoints, resume, DDP, devices) and
registered as series models ``mlp`` and ``latent``, so the series CLI, persistence and
evaluation use them like any other forecaster.
"""

from seqlm.apps.forecast.latent import LatentConfig, LatentRNNForecaster, LatentTraining
from seqlm.apps.forecast.mlp import AutoregressiveMLP, MLPConfig, MLPTraining
from seqlm.apps.forecast.settings import NeuralSettings, train_net
from seqlm.apps.forecast.tasks import BurnInRegressionTask

__all__ = [
    "AutoregressiveMLP",
    "BurnInRegressionTask",
    "LatentConfig",
    "LatentRNNForecaster",
    "LatentTraining",
    "MLPConfig",
    "MLPTraining",
    "NeuralSettings",
    "train_net",
]
