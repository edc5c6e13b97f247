"""What every seqlm recurrent model shares: input kinds, output size, config, input checks.

Input is either token ids (``vocab_size`` given; int64 of shape (batch, steps)) fed one-hot or
through an embedding of ``embed_size``, or real-valued vectors (``input_size`` given; float of
shape (batch, steps, input_size)). The output has ``output_size`` features per step
(default: ``vocab_size``, i.e. next-token logits, or ``input_size`` for real-valued input).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from seqlm.errors import ConfigError, DataError


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{name} must be a positive integer, got {value!r}")
    return value


class SequenceModel(nn.Module):
    """Base class: validates the sizes and stores ``config`` (JSON-able kwargs + ``kind``)."""

    kind = "base"

    def __init__(
        self,
        num_hiddens: int,
        vocab_size: int | None = None,
        input_size: int | None = None,
        embed_size: int | None = None,
        output_size: int | None = None,
    ) -> None:
        super().__init__()
        if (vocab_size is None) == (input_size is None):
            raise ConfigError("give exactly one of vocab_size (token ids) or input_size (vectors)")
        self.num_hiddens = _positive_int("num_hiddens", num_hiddens)
        self.vocab_size = None if vocab_size is None else _positive_int("vocab_size", vocab_size)
        self.input_size = None if input_size is None else _positive_int("input_size", input_size)
        if embed_size is not None:
            if vocab_size is None:
                raise ConfigError("embed_size needs token input (vocab_size), not input_size")
            _positive_int("embed_size", embed_size)
        self.embed_size = embed_size
        self.embedding = (
            nn.Embedding(vocab_size, embed_size) if vocab_size and embed_size else None
        )
        out = output_size if output_size is not None else (vocab_size or input_size)
        self.output_size = _positive_int("output_size", out)
        self.config: dict[str, Any] = {"kind": self.kind}

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
