"""Library versions on torch.nn (nn.RNN, nn.GRU, nn.LSTM): multi-layer, dropout, tied embeddings.

Layout (as pytorch/examples word_language_model): input -> [embedding] -> dropout ->
nn.RNN/GRU/LSTM (``num_layers``, dropout between layers) -> dropout -> linear decoder.
With ``tie_weights`` the decoder reuses the embedding matrix (Press & Wolf, Inan et al.), which
needs an embedding whose size equals the hidden size and an output over the same vocabulary.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from seqlm.errors import ConfigError
from seqlm.rnn.base import SequenceModel, _positive_int
from seqlm.rnn.state import State

CELLS: dict[str, Any] = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class TorchRNN(SequenceModel):
    """A stack of torch.nn recurrent layers; state (layers, batch, hidden), a pair for LSTM."""

    def __init__(
        self,
        cell: str = "lstm",
        num_hiddens: int = 256,
        vocab_size: int | None = None,
        input_size: int | None = None,
        embed_size: int | None = None,
        output_size: int | None = None,
        num_layers: int = 1,
        dropout: float = 0.0,
        tie_weights: bool = False,
        nonlinearity: str = "tanh",
    ) -> None:
        if cell not in CELLS:
            raise ConfigError(f"unknown cell {cell!r}; use one of {', '.join(CELLS)}")
        self.kind = cell  # the registry name of this model
        super().__init__(num_hiddens, vocab_size, input_size, embed_size, output_size)
        self.num_layers = _positive_int("num_layers", num_layers)
        if not (0.0 <= dropout < 1.0):
            raise ConfigError(f"dropout must be in [0, 1), got {dropout!r}")
        if nonlinearity not in ("tanh", "relu"):
            raise ConfigError(f"unknown nonlinearity {nonlinearity!r}; use tanh or relu")
        if nonlinearity != "tanh" and cell != "rnn":
            raise ConfigError(f"nonlinearity applies to cell 'rnn' only, not {cell!r}")
        self.cell, self.dropout_p, self.tie_weights = cell, float(dropout), bool(tie_weights)
        self.config.update(
            cell=cell, num_hiddens=num_hiddens, vocab_size=vocab_size, input_size=input_size,
            embed_size=embed_size, output_size=output_size, num_layers=num_layers,
            dropout=float(dropout), tie_weights=bool(tie_weights), nonlinearity=nonlinearity,
        )
        extra: dict[str, Any] = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
        self.rnn: nn.RNNBase = CELLS[cell](
            self.in_features, self.num_hiddens, num_layers=self.num_layers, batch_first=True,
            dropout=self.dropout_p if self.num_layers > 1 else 0.0, **extra,
        )
        self.drop = nn.Dropout(self.dropout_p)
        self.decoder = nn.Linear(self.num_hiddens, self.output_size)
        self._init_ends()
        if self.tie_weights:
            self._tie()

    def _init_ends(self) -> None:
        """Embedding and decoder U(-0.1, 0.1), decoder bias 0 (word_language_model's
        init_weights): nn.Embedding's N(0, 1) would make tied logits sqrt(H) times too large.
        The recurrent layers keep torch's U(-1/sqrt(H), 1/sqrt(H))."""
        if self.embedding is not None:
            nn.init.uniform_(self.embedding.weight, -0.1, 0.1)
        nn.init.uniform_(self.decoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)

    def _tie(self) -> None:
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
        self.decoder.weight = self.embedding.weight

    def begin_state(self, batch_size: int, device: Any = None) -> State:
        """Zeros of shape (num_layers, batch, hidden); a pair (H, C) for LSTM."""
        p = self._param()
        shape = (self.num_layers, batch_size, self.num_hiddens)
        zeros = torch.zeros(shape, dtype=p.dtype, device=device or p.device)
        return (zeros, zeros.clone()) if self.cell == "lstm" else zeros

    def forward(self, X: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        self.check_input(X)
        if state is None:
            state = self.begin_state(X.shape[0], X.device)
        hiddens, state = self.rnn(self.drop(self.features(X)), state)
        return self.decoder(self.drop(hiddens)), state
