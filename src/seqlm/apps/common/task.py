"""The training loop's task for labels: summed cross-entropy of class logits, per sequence
(classification) or per token (tagging), optionally class-weighted.

A batch is ``(*inputs, labels)``; the model maps ``inputs`` to logits (..., classes) of the
labels' shape plus one axis. Labels equal to ``ignore_index`` (the padding of per-token
labels) count for nothing. Class weights w_c scale each example's loss; use weights whose
mean over the training examples is 1 (:func:`class_weights` makes such), so the reported mean
loss stays a per-example figure.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from seqlm.apps.common.batches import LABEL_PAD
from seqlm.errors import ConfigError, require_fraction


class LabelTask:
    """Cross-entropy over class logits; reported as ``nll``, the mean per-label loss.
    ``label_smoothing`` applies in training mode only, so validation reports the plain NLL."""

    metric_name = "nll"
    unit = "examples"

    def __init__(self, weight: torch.Tensor | None = None, ignore_index: int = LABEL_PAD,
                 label_smoothing: float = 0.0) -> None:
        require_fraction("label smoothing", label_smoothing)
        self.weight = weight
        self.ignore_index = ignore_index
        self.label_smoothing = float(label_smoothing)

    def step(self, model: nn.Module, batch: Any, state: Any) -> Any:
        from seqlm.train import StepOutput

        *inputs, y = batch
        logits = model(*inputs)
        flat = logits.reshape(-1, logits.shape[-1]).float()
        y = y.reshape(-1)
        weight = None if self.weight is None else self.weight.to(flat.device, flat.dtype)
        eps = self.label_smoothing if getattr(model, "training", True) else 0.0
        loss = F.cross_entropy(flat, y, weight=weight, reduction="sum",
                               ignore_index=self.ignore_index, label_smoothing=eps)
        return StepOutput(loss, int((y != self.ignore_index).sum()), None)

    def metric(self, mean_loss: float) -> float:
        return mean_loss


def class_weights(labels: np.ndarray, n_classes: int, power: float = 1.0) -> torch.Tensor:
    """w_c proportional to (1 / n_c)^power, scaled so the mean weight over the examples is 1.

    power 1 is "balanced" (every class weighs as much in total), 0 is unweighted; a class
    absent from ``labels`` gets the largest weight present.
    """
    if not np.isfinite(power) or power < 0:
        raise ConfigError(f"class-weight power must be a finite number >= 0, got {power!r}")
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=n_classes).astype(float)
    w = np.zeros(n_classes)
    seen = counts > 0
    w[seen] = counts[seen] ** -power
    w[~seen] = w[seen].max() if seen.any() else 1.0
    w /= (w * counts).sum() / max(counts.sum(), 1.0)
    return torch.tensor(w, dtype=torch.float32)
