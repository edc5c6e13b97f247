"""The training loop's view of tagging: summed cross-entropy over the real (unpadded) words."""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from seqlm.apps.tag.vocab import IGNORE
from seqlm.train import StepOutput


class TaggingTask:
    """Batch -> summed -log P(y_t | sentence) over words whose tag is not IGNORE (padding).

    The reported figure is the mean cross-entropy per word (nats); accuracy comes from
    :func:`seqlm.apps.tag.evaluate.evaluate_tagger`.
    """

    metric_name = "nll"
    unit = "sentences"

    def step(self, model: nn.Module, batch: dict[str, Any], state: Any) -> StepOutput:
        logits = model(batch)
        wide = torch.promote_types(logits.dtype, torch.float32)
        tags = batch["tags"].reshape(-1)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).to(wide), tags,
                               reduction="sum", ignore_index=IGNORE)
        return StepOutput(loss, int((tags != IGNORE).sum()), None)

    def metric(self, mean_loss: float) -> float:
        return mean_loss
