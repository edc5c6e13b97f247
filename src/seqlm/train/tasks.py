"""What the loop optimises, as a small protocol: one batch in, (summed loss, item count, state) out.

The training loop knows nothing about language or series: a *task* turns a model and a batch
into a summed loss. Language modelling (cross-entropy over next tokens, reported as perplexity)
and real-valued regression (squared error, reported as MSE) are the two tasks shipped here;
any object with the same three members works.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import torch
import torch.nn.functional as F
from torch import nn

from seqlm.errors import ConfigError


@dataclass
class StepOutput:
    """A batch's summed loss (a scalar tensor with graph), how many items it sums, the new state."""

    loss_sum: torch.Tensor
    count: int
    state: Any = None


@runtime_checkable
class Task(Protocol):
    """The training loop's view of a problem."""

    metric_name: str  # name of the reported figure ("ppl", "mse")

    def step(self, model: nn.Module, batch: Any, state: Any) -> StepOutput:
        """Run the model on ``batch`` starting from ``state`` (None = fresh) and sum the loss."""
        ...

    def metric(self, mean_loss: float) -> float:
        """The reported figure for a mean per-item loss (perplexity = exp(mean NLL))."""
        ...


def _unpack(out: Any) -> tuple[torch.Tensor, Any]:
    """Accept ``model(X, state) -> (output, state)`` or a model returning the output alone."""
    if isinstance(out, tuple) and len(out) == 2:
        return out[0], out[1]
    return out, None


class LanguageModelTask:
    """Next-token prediction: batch (X, Y) of token ids, loss = summed cross-entropy of Y.

    A batch (X, Y, S) carries soft targets S (B, T, |V|), e.g. from
    :class:`seqlm.apps.lm.teacher.TeacherBatches`: the loss is then the cross-entropy
    -sum_v S_v log p_v (positions whose label is ``ignore_index`` still count for nothing).
    ``label_smoothing`` eps trains on (1 - eps) one-hot + eps uniform, a regulariser used only
    while the model is in training mode: validation and evaluation report the plain NLL.
    """

    metric_name = "ppl"

    def __init__(self, ignore_index: int | None = None, label_smoothing: float = 0.0) -> None:
        if not 0.0 <= label_smoothing < 1.0:
            raise ConfigError(f"label smoothing must be in [0, 1), got {label_smoothing!r}")
        self.ignore_index = ignore_index  # e.g. a padding id that is never predicted
        self.label_smoothing = float(label_smoothing)

    def step(self, model: nn.Module, batch: Any, state: Any) -> StepOutput:
        X, Y = batch[0], batch[1]
        logits, state = _unpack(model(X, state))
        flat_y = Y.reshape(-1)
        wide = torch.promote_types(logits.dtype, torch.float32)  # bf16 autocast -> float32
        flat_logits = logits.reshape(-1, logits.shape[-1]).to(wide)
        keep = None if self.ignore_index is None else flat_y != self.ignore_index
        if len(batch) == 3:
            soft = batch[2].reshape(-1, batch[2].shape[-1]).to(wide)
            if keep is not None:
                flat_logits, soft = flat_logits[keep], soft[keep]
            loss = F.cross_entropy(flat_logits, soft, reduction="sum")
        else:
            ignore = -100 if self.ignore_index is None else self.ignore_index
            eps = self.label_smoothing if model.training else 0.0
            loss = F.cross_entropy(flat_logits, flat_y, reduction="sum", ignore_index=ignore,
                                   label_smoothing=eps)
        count = int(flat_y.numel() if keep is None else keep.sum())
        return StepOutput(loss, count, state)

    def metric(self, mean_loss: float) -> float:
        """Perplexity: exp of the mean negative log-likelihood per token (inf past overflow)."""
        return math.exp(mean_loss) if mean_loss < 700 else math.inf


class RegressionTask:
    """Real-valued targets: batch (X, Y) floats, loss = summed squared error, reported as MSE.

    The model may return ``(prediction, state)`` (recurrent) or the prediction alone (MLP);
    the prediction must have Y's shape (a trailing size-1 axis is squeezed to match).
    """

    metric_name = "mse"

    def step(self, model: nn.Module, batch: Any, state: Any) -> StepOutput:
        X, Y = batch
        pred, state = _unpack(model(X, state) if _takes_state(model) else model(X))
        if pred.shape != Y.shape and pred.dim() == Y.dim() + 1 and pred.shape[-1] == 1:
            pred = pred.squeeze(-1)
        loss = (pred - Y).pow(2).sum()
        return StepOutput(loss, int(Y.numel()), state)

    def metric(self, mean_loss: float) -> float:
        """MSE is the mean loss itself."""
        return mean_loss


def _takes_state(model: nn.Module) -> bool:
    """True when ``model.forward`` accepts a second (state) argument (looking through DDP)."""
    inner = getattr(model, "module", model)  # DistributedDataParallel forwards *args
    params = list(inspect.signature(inner.forward).parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)
