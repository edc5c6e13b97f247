"""Recurrent states: a tensor, a tuple/list of tensors (LSTM: H and C), or None; and detaching
them (truncated BPTT) -- one function for the training loop and dynamic evaluation alike."""

from __future__ import annotations

from typing import Any


def detach(state: Any) -> Any:
    """Cut the graph behind ``state``: same values, no history. Tensors (anything with
    ``detach``) inside tuples/lists are detached; None and other values pass unchanged."""
    if isinstance(state, tuple | list):
        return type(state)(detach(s) for s in state)
    return state.detach() if callable(getattr(state, "detach", None)) else state
