"""Library versions on torch.nn (nn.RNN, nn.GRU, nn.LSTM): multi-layer, dropout, tied embeddings.

Layout (as pytorch/examples word_language_model): input -> [embedding] -> dropout ->
nn.RNN/GRU/LSTM (``num_layers``, dropout between layers) -> dropout -> linear decoder.
With ``tie_weights`` the decoder reuses the embedding matrix (Press & Wolf, Inan et al.), which
needs an embedding whose size equals the hidden size and an output over the same vocabulary.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call

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
        weight_drop: float = 0.0,
    ) -> None:
        if cell not in CELLS:
            raise ConfigError(f"unknown cell {cell!r}; use one of {', '.join(CELLS)}")
        self.kind = cell  # the registry name of this model
        super().__init__(num_hiddens, vocab_size, input_size, embed_size, output_size)
        self.num_layers = _positive_int("num_layers", num_layers)
        if not (0.0 <= dropout < 1.0):
            raise ConfigError(f"dropout must be in [0, 1), got {dropout!r}")
        if not (0.0 <= weight_drop < 1.0):
            raise ConfigError(f"weight_drop must be in [0, 1), got {weight_drop!r}")
        if nonlinearity not in ("tanh", "relu"):
            raise ConfigError(f"unknown nonlinearity {nonlinearity!r}; use tanh or relu")
        if nonlinearity != "tanh" and cell != "rnn":
            raise ConfigError(f"nonlinearity applies to cell 'rnn' only, not {cell!r}")
        self.cell, self.dropout_p, self.tie_weights = cell, float(dropout), bool(tie_weights)
        self.weight_drop = float(weight_drop)
        self.config.update(
            cell=cell, num_hiddens=num_hiddens, vocab_size=vocab_size, input_size=input_size,
            embed_size=embed_size, output_size=output_size, num_layers=num_layers,
            dropout=float(dropout), tie_weights=bool(tie_weights), nonlinearity=nonlinearity,
            weight_drop=self.weight_drop,
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
        self.check_tie()
        assert self.embedding is not None
        self.decoder.weight = self.embedding.weight

    def begin_state(self, batch_size: int, device: Any = None) -> State:
        """Zeros of shape (num_layers, batch, hidden); a pair (H, C) for LSTM."""
        p = self._param()
        shape = (self.num_layers, batch_size, self.num_hiddens)
        zeros = torch.zeros(shape, dtype=p.dtype, device=device or p.device)
        return (zeros, zeros.clone()) if self.cell == "lstm" else zeros

    def forward(self, X: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, State]:
        hiddens, state = self.hidden_states(X, state)
        return self.decoder(self.drop(hiddens)), state

    def hidden_states(self, X: torch.Tensor, state: State | None = None
                      ) -> tuple[torch.Tensor, State]:
        """The top layer's H_t of every step (batch, steps, hidden), before the decoder."""
        self.check_input(X)
        if state is None:
            state = self.begin_state(X.shape[0], X.device)
        return self._recur(self.drop(self.features(X)), state)

    def _recur(self, X: torch.Tensor, state: State) -> tuple[torch.Tensor, State]:
        """The recurrent stack; in training with ``weight_drop``, each layer's hidden-to-hidden
        matrix gets DropConnect (one mask per forward pass, as AWD-LSTM's WeightDrop)."""
        if not (self.weight_drop and self.training):
            return self.rnn(X, state)
        dropped = {f"weight_hh_l{k}": F.dropout(getattr(self.rnn, f"weight_hh_l{k}"),
                                                self.weight_drop, training=True)
                   for k in range(self.num_layers)}
        return functional_call(self.rnn, dropped, (X, state))
