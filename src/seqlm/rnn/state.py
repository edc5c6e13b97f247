"""Hidden states: a tensor (RNN, GRU) or a tuple of tensors (LSTM: H and memory cell C)."""

from __future__ import annotations

import torch

State = torch.Tensor | tuple[torch.Tensor, ...]


def detach_state(state: State | None) -> State | None:
    """Cut the graph behind ``state`` (truncated BPTT): same values, no history."""
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()

