"""Fine-tuning a pretrained encoder the ULMFiT way (Howard & Ruder 2018): discriminative
learning rates (each layer group below the head gets the rate of the one above divided by
``factor``: 2.6 in the paper) and gradual unfreezing (epoch 1 trains the head only, each
later epoch unfreezes the next group down).

Groups, top first: the head (every parameter outside ``encoder``), then the encoder's
recurrent layers from the top one down, then the token input (embedding / one-hot input
weights, which sit in the bottom model).
"""

from __future__ import annotations

import re
from typing import Any

from torch import nn

from seqlm.apps.common.transfer import token_axes
from seqlm.errors import ConfigError


def _layer_of(name: str, position: int) -> int:
    """Layer of a stack member's parameter: ``_l{k}`` of torch.nn's names, else the position."""
    m = re.search(r"_l(\d+)(?:_reverse)?$", name)
    return int(m.group(1)) if m else position


def layer_groups(model: nn.Module, encoder: str = "encoder") -> list[list[nn.Parameter]]:
    """The parameters of ``model`` in groups, top first (head, layers top-down, input)."""
    enc = getattr(model, encoder, None)
    if enc is None:
        raise ConfigError(f"the model has no {encoder!r} to fine-tune layer by layer")
    in_encoder = {id(p) for p in enc.parameters()}
    head = [p for p in model.parameters() if id(p) not in in_encoder]
    layers: dict[int, list[nn.Parameter]] = {}
    inputs: list[nn.Parameter] = []
    for stack in (enc.forward_stack, enc.backward_stack):
        for position, cell in enumerate(stack or []):
            token_params = set(token_axes(cell)) if position == 0 else set()
            for name, p in cell.named_parameters():
                if name in token_params:
                    inputs.append(p)
                else:
                    layers.setdefault(_layer_of(name, position), []).append(p)
    return [head] + [layers[k] for k in sorted(layers, reverse=True)] + [inputs]


def discriminative_groups(model: nn.Module, lr: float, factor: float) -> list[dict[str, Any]]:
    """Optimizer parameter groups: group k (0 = head) at ``lr / factor**k``."""
    if not factor >= 1.0:
        raise ConfigError(f"the discriminative factor must be >= 1, got {factor!r}")
    return [{"params": g, "lr": lr / factor**k}
            for k, g in enumerate(layer_groups(model)) if g]


def unfreeze(model: nn.Module, epoch: int) -> int:
    """Gradual unfreezing before (0-based) ``epoch``: groups 0..epoch train, the rest are
    frozen (requires_grad False); returns how many groups train."""
    groups = [g for g in layer_groups(model) if g]
    n = min(epoch + 1, len(groups))
    for k, g in enumerate(groups):
        for p in g:
            p.requires_grad_(k < n)
    return n
