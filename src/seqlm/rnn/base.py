"""What every seqlm recurrent model shares: its typed settings, input layer and input checks.

The settings (sizes, input kind, regularisation) are one :class:`seqlm.rnn.config.RNNConfig`.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from seqlm.errors import ConfigError, DataError
from seqlm.rnn.config import RNNConfig


class SequenceModel(nn.Module):
    """Base class: keeps the typed settings ``hparams`` (:class:`RNNConfig`) and the registry
    name ``kind``; ``config`` is the plain dict a checkpoint stores (``kind`` + settings)."""

    kind = "base"
    options: frozenset[str] = frozenset()  # the cell options this kind has (see RNNConfig)

    def __init__(self, config: RNNConfig | int | None = None, /, **settings: Any) -> None:
        super().__init__()
        cfg = RNNConfig.make(config, **settings)
        cfg.check_input_kind()
        cfg.check_options(self.kind, self.options)
        self.hparams = cfg
        self.num_hiddens = cfg.num_hiddens
        self.vocab_size = cfg.vocab_size
        self.input_size = cfg.input_size
        self.embed_size = cfg.embed_size
        self.embedding = (
            nn.Embedding(cfg.vocab_size, cfg.embed_size) if cfg.vocab_size and cfg.embed_size
            else None
        )
        self.output_size = cfg.out_features

    @property
    def config(self) -> dict[str, Any]:
        """``{"kind": ..., **settings}``: JSON-able; :func:`seqlm.rnn.build_model` rebuilds it."""
        return {"kind": self.kind, **self.hparams.to_dict()}

    @property
    def in_features(self) -> int:
        """Width of X_t after the input layer: embed_size, vocab_size (one-hot) or input_size."""
        return self.embed_size or self.vocab_size or self.input_size  # type: ignore[return-value]

    @property
    def one_hot(self) -> bool:
        """True when token ids are fed as one-hot vectors (no embedding layer)."""
        return self.vocab_size is not None and self.embed_size is None

    def check_tie(self) -> None:
        """Raise ConfigError unless the output layer can reuse the input embedding matrix."""
        if self.embedding is None:
            raise ConfigError("tie_weights needs an input embedding: give vocab_size, embed_size")
        if self.output_size != self.vocab_size:
            raise ConfigError(
                f"tie_weights needs output_size == vocab_size, got {self.output_size} "
                f"and {self.vocab_size}"
            )
        if self.embed_size != self.num_hiddens:
            raise ConfigError(
                f"tie_weights needs embed_size == num_hiddens, got {self.embed_size} and "
                f"{self.num_hiddens}"
            )

    def _param(self) -> torch.Tensor:
        return next(self.parameters())

    def features(self, X: torch.Tensor) -> torch.Tensor:
        """X_t for every step, batch first: one-hot rows, embeddings, or the given vectors."""
        dtype = self._param().dtype
        if self.one_hot:
            return F.one_hot(X.long(), int(self.vocab_size or 0)).to(dtype)
        if self.embedding is not None:
            return self.embedding(X)
        return X.to(dtype)

    def hidden_states(self, X: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        """The top layer's H_t for every step (batch, steps, num_hiddens), before the output
        layer, and the final state: what an encoder (classifier, tagger) reads."""
        raise NotImplementedError

    def check_input(self, X: torch.Tensor) -> None:
        """Raise DataError unless X has this model's shape and type (and at least one step)."""
        if self.vocab_size is not None:
            if X.dim() != 2 or X.dtype not in (torch.int64, torch.int32):
                raise DataError(
                    f"expected token ids of shape (batch, steps) and integer type, got "
                    f"{tuple(X.shape)} {X.dtype}"
                )
        elif X.dim() != 3 or X.shape[-1] != self.input_size or not X.is_floating_point():
            raise DataError(
                f"expected float input of shape (batch, steps, {self.input_size}), got "
                f"{tuple(X.shape)} {X.dtype}"
            )
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise DataError(f"input has no batch rows or no time steps: shape {tuple(X.shape)}")
