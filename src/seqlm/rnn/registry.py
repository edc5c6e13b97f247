"""Model kinds by name, so a checkpoint's ``config`` dict rebuilds its model."""

from __future__ import annotations

from typing import Any

from seqlm.errors import ConfigError
from seqlm.rnn.base import SequenceModel
from seqlm.rnn.gru_scratch import GRUScratch
from seqlm.rnn.lstm_scratch import LSTMScratch
from seqlm.rnn.rnn_scratch import RNNScratch
from seqlm.rnn.torch_models import CELLS, TorchRNN

SCRATCH: dict[str, type[SequenceModel]] = {
    "rnn_scratch": RNNScratch,
    "gru_scratch": GRUScratch,
    "lstm_scratch": LSTMScratch,
}
KINDS = (*SCRATCH, *CELLS)


def build_model(config: dict[str, Any]) -> SequenceModel:
    """Recreate a model from its ``config`` (the constructor kwargs plus ``kind``)."""
    if not isinstance(config, dict) or "kind" not in config:
        raise ConfigError("a model config must be a dict with a 'kind' key")
    kwargs = dict(config)
    kind = kwargs.pop("kind")
    try:
        if kind in SCRATCH:
            return SCRATCH[kind](**kwargs)
        if kind in CELLS:
            kwargs.pop("cell", None)
            return TorchRNN(cell=kind, **kwargs)
    except TypeError as exc:
        raise ConfigError(f"bad settings for model kind {kind!r}: {exc}") from None
    raise ConfigError(f"unknown model kind {kind!r}; choose one of {', '.join(KINDS)}")
