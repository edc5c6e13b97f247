"""The latent model's loss for the shared loop: squared error after a burn-in (a Task object)."""

from __future__ import annotations

from typing import Any

from torch import nn

from seqlm.train.tasks import StepOutput


class BurnInRegressionTask:
    """Batch (X, Y, skip): run the RNN from a zero state, sum (pred - Y)^2 over steps >= skip.

    The first ``skip`` predictions only warm the state up, so the loss matches how the model is
    used (its state has seen the past before it predicts).
    """

    metric_name = "mse"

    def step(self, model: nn.Module, batch: Any, state: Any) -> StepOutput:
        X, Y, skip = batch
        pred, _ = model(X, None)
        err = (pred[:, skip:] - Y[:, skip:]).pow(2)
        return StepOutput(err.sum(), int(err.numel()), None)

    def metric(self, mean_loss: float) -> float:
        return mean_loss
