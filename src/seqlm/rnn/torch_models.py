"""Library versions on torch.nn (nn.RNN, nn.GRU, nn.LSTM): multi-layer, dropout, tied embeddings.

Layout (as pytorch/examples word_language_model): input -> [embedding] -> dropout ->
nn.RNN/GRU/LSTM (``num_layers``, dropout between layers) -> dropout -> linear decoder.
With ``tie_weights`` the decoder reuses the embedding matrix (Press & Wolf, Inan et al.), which
needs an embedding whose size equals the hidden size and an output over the same vocabulary.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call

from seqlm.errors import ConfigError
from seqlm.rnn.base import SequenceModel
from seqlm.rnn.config import RNNConfig
from seqlm.rnn.registry import CELLS
from seqlm.rnn.state import State

TORCH_CELLS: dict[str, Any] = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class TorchRNN(SequenceModel):
    """A stack of torch.nn recurrent layers; state (layers, batch, hidden), a pair for LSTM."""

    def __init__(self, cell: str = "lstm", config: RNNConfig | int | None = None, /,
                 **settings: Any) -> None:
        if cell not in TORCH_CELLS:
            raise ConfigError(f"unknown cell {cell!r}; use one of {', '.join(TORCH_CELLS)}")
        self.kind = cell  # the registry name of this model
        self.options = frozenset({"num_layers"} | ({"nonlinearity"} if cell == "rnn" else set()))
        super().__init__(config, **settings)
        self.cell, self.num_layers = cell, self.hparams.num_layers
        self.dropout_p, self.tie_weights = self.hparams.dropout, self.hparams.tie_weights
        self.weight_drop = self.hparams.weight_drop
        nonlinearity = self.hparams.nonlinearity
        extra: dict[str, Any] = {"nonlinearity": nonlinearity} if cell == "rnn" else {}
        self.rnn: nn.RNNBase = TORCH_CELLS[cell](
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


for _name in TORCH_CELLS:
    CELLS.add(_name, partial(TorchRNN, _name), config=RNNConfig,
              help=f"torch.nn.{TORCH_CELLS[_name].__name__} stack (cuDNN on a GPU)")
