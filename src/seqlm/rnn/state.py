"""Hidden states: a tensor (RNN, GRU) or a tuple of tensors (LSTM: H and memory cell C)."""

from __future__ import annotations

import torch

from seqlm.core.state import detach as detach_state

State = torch.Tensor | tuple[torch.Tensor, ...]

__all__ = ["State", "detach_state"]
