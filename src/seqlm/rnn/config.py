"""The one typed configuration of every recurrent cell (nanoGPT's ``GPTConfig`` style).

Input is either token ids (``vocab_size`` given; int64 of shape (batch, steps)) fed one-hot or
through an embedding of ``embed_size``, or real-valued vectors (``input_size`` given; float of
shape (batch, steps, input_size)). The output has ``output_size`` features per step
(default: ``vocab_size``, i.e. next-token logits, or ``input_size`` for real-valued input).
The last four settings are cell options: a cell that has no such option refuses a value other
than the default (``num_layers`` for the torch.nn stacks, ``nonlinearity`` for the plain RNNs,
``init`` for the from-scratch cells, ``reset_after`` for the scratch GRU).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from seqlm.errors import ConfigError, require_fraction, require_int
from seqlm.registry import config_to_dict, make_config

NONLINEARITIES = ("tanh", "relu")
INITS = ("torch", "book")
COMMON = frozenset({"num_hiddens", "vocab_size", "input_size", "embed_size", "output_size",
                    "dropout", "weight_drop", "tie_weights"})


def _fraction(name: str, value: float) -> None:
    require_fraction(name, value)


@dataclass(frozen=True)
class RNNConfig:
    """Sizes, regularisation and cell options of a recurrent model (saved as a plain dict)."""

    num_hiddens: int = 256
    vocab_size: int | None = None
    input_size: int | None = None
    embed_size: int | None = None
    output_size: int | None = None
    dropout: float = 0.0        # on the non-recurrent connections (Zaremba et al.)
    weight_drop: float = 0.0    # DropConnect on the hidden-to-hidden matrices (AWD-LSTM)
    tie_weights: bool = False   # output layer = transposed input embedding (Press & Wolf)
    num_layers: int = 1
    nonlinearity: str = "tanh"
    init: str = "torch"
    reset_after: bool = False

    def __post_init__(self) -> None:
        for name in ("num_hiddens", "vocab_size", "input_size", "embed_size", "output_size",
                     "num_layers"):
            if getattr(self, name) is not None:
                require_int(name, getattr(self, name))
        _fraction("dropout", self.dropout)
        _fraction("weight_drop", self.weight_drop)
        if self.nonlinearity not in NONLINEARITIES:
            raise ConfigError(f"unknown nonlinearity {self.nonlinearity!r}; use tanh or relu")
        if self.init not in INITS:
            raise ConfigError(f"unknown init {self.init!r}; use one of {', '.join(INITS)}")

    @classmethod
    def make(cls, config: RNNConfig | int | None = None, **settings: Any) -> RNNConfig:
        """From a config (settings override it), a hidden size, or settings alone."""
        if isinstance(config, int) and not isinstance(config, bool):
            settings = {"num_hiddens": config, **settings}
            config = None
        return make_config(cls, config, **settings)

    def check_input_kind(self) -> None:
        """A model needs exactly one input kind (a template, e.g. a run's settings before the
        vocabulary is known, may have neither)."""
        if (self.vocab_size is None) == (self.input_size is None):
            raise ConfigError("give exactly one of vocab_size (token ids) or input_size (vectors)")
        if self.embed_size is not None and self.vocab_size is None:
            raise ConfigError("embed_size needs token input (vocab_size), not input_size")

    @property
    def out_features(self) -> int:
        """Output features per step: ``output_size``, else the vocabulary or input size."""
        return require_int("output_size", self.output_size or self.vocab_size or self.input_size)

    def check_options(self, kind: str, options: frozenset[str]) -> None:
        """Refuse a non-default value of a setting the cell ``kind`` does not have."""
        for f in dataclasses.fields(self):
            if f.name not in COMMON | options and getattr(self, f.name) != f.default:
                raise ConfigError(f"{f.name} does not apply to model kind {kind!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON/TOML/checkpoints)."""
        return config_to_dict(self)
