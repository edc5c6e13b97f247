"""Parameter averaging: an exponential moving average of the weights, used for evaluation.

After every optimiser step theta_bar <- d theta_bar + (1 - d) theta, with the warm-up
d_n = min(decay, (1 + n) / (10 + n)) at update n (as TensorFlow's ExponentialMovingAverage)
so that the first updates are not dragged towards the initial weights. Averaged weights
generalise better than the last iterate on small data (Polyak & Juditsky's averaging; the
"A" of AWD-LSTM's NT-ASGD). Training continues from the raw weights; validation, ``best.pt``
and the final model use the average.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

import torch
from torch import nn

from seqlm.errors import ConfigError


class WeightAverage:
    """Shadow copy of ``model``'s parameters (shared/tied ones once), averaged with ``decay``."""

    def __init__(self, model: nn.Module, decay: float) -> None:
        if not (isinstance(decay, float | int) and math.isfinite(decay) and 0.0 < decay < 1.0):
            raise ConfigError(f"averaging decay must be in (0, 1), got {decay!r}")
        self.decay = float(decay)
        self.updates = 0
        self.shadow = {name: p.detach().clone() for name, p in model.named_parameters()}

    def rate(self) -> float:
        """d for the next update: the warm-up value until it reaches ``decay``."""
        n = self.updates + 1
        return min(self.decay, (1.0 + n) / (10.0 + n))

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """theta_bar <- d theta_bar + (1 - d) theta, after an optimiser step."""
        d = self.rate()
        for name, p in model.named_parameters():
            self.shadow[name].lerp_(p.detach(), 1.0 - d)
        self.updates += 1

    @contextlib.contextmanager
    def applied(self, model: nn.Module) -> Iterator[None]:
        """Run the block with the averaged weights in ``model``; the raw ones come back after."""
        raw = {name: p.detach().clone() for name, p in model.named_parameters()}
        self.copy_to(model)
        try:
            yield
        finally:
            with torch.no_grad():
                for name, p in model.named_parameters():
                    p.copy_(raw[name])

    @torch.no_grad()
    def copy_to(self, model: nn.Module) -> None:
        """Overwrite ``model``'s parameters with the averaged ones."""
        for name, p in model.named_parameters():
            p.copy_(self.shadow[name])

    def state_dict(self) -> dict[str, Any]:
        return {"decay": self.decay, "updates": self.updates, "shadow": dict(self.shadow)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if set(state["shadow"]) != set(self.shadow):
            raise ValueError("the averaged parameters do not match this model's")
        with torch.no_grad():
            for name, value in state["shadow"].items():
                self.shadow[name].copy_(value)
        self.updates = int(state["updates"])


def load_averaged(model: nn.Module, checkpoint: dict[str, Any]) -> bool:
    """Put a checkpoint's averaged weights (saved when ``ema_decay`` was set) into ``model``:
    validation and ``best.pt`` chose them, so they are the model to use. False when none."""
    state = checkpoint.get("average_state")
    if not state:
        return False
    average = WeightAverage(model, float(state["decay"]))
    average.load_state_dict(state)
    average.copy_to(model)
    return True
