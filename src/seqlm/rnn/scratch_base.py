"""Shared parts of the from-scratch cells: parameters, the batched input projection, the output.

Speed without hiding the maths: X_t W + b does not depend on the hidden state, so it is computed
for all time steps in one matrix product before the time loop (for one-hot X_t it is the row
x_t of W, a lookup); only the H_{t-1} W_h* terms stay inside the loop.
"""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from seqlm.errors import ConfigError
from seqlm.rnn.base import SequenceModel

INITS = ("torch", "book")


class ScratchModel(SequenceModel):
    """Base of RNNScratch, GRUScratch and LSTMScratch (one layer, parameters named as the maths)."""

    def __init__(
        self,
        num_hiddens: int,
        vocab_size: int | None = None,
        input_size: int | None = None,
        embed_size: int | None = None,
        output_size: int | None = None,
        init: str = "torch",
        dropout: float = 0.0,
        weight_drop: float = 0.0,
        tie_weights: bool = False,
    ) -> None:
        super().__init__(num_hiddens, vocab_size, input_size, embed_size, output_size)
        if init not in INITS:
            raise ConfigError(f"unknown init {init!r}; use one of {', '.join(INITS)}")
        if not 0.0 <= dropout < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), got {dropout}")
        if not 0.0 <= weight_drop < 1.0:
            raise ConfigError(f"weight_drop must be in [0, 1), got {weight_drop}")
        self.init = init
        # Zaremba et al.'s dropout on the non-recurrent connections only: the embedded input
        # and H_t before the output layer; H_{t-1} -> H_t is never dropped.
        self.drop = nn.Dropout(dropout)
        # DropConnect on the recurrent matrices W_h* (Wan et al. 2013; Merity et al.'s AWD-LSTM):
        # regularises H_{t-1} -> H_t without disturbing the memory across steps.
        self.weight_drop = float(weight_drop)
        self.tie_weights = bool(tie_weights)
        self.config.update(
            num_hiddens=num_hiddens, vocab_size=vocab_size, input_size=input_size,
            embed_size=embed_size, output_size=output_size, init=init, dropout=dropout,
            weight_drop=self.weight_drop, tie_weights=self.tie_weights,
        )
        # output layer O_t = H_t W_hq + b_q, shared by all three cells; tied: W_hq = E^T, the
        # transposed input embedding (Press & Wolf 2017)
        if self.tie_weights:
            self.check_tie()
        else:
            self.W_hq = nn.Parameter(torch.empty(self.num_hiddens, self.output_size))
        self.b_q = nn.Parameter(torch.empty(self.output_size))

    def triple(self) -> tuple[nn.Parameter, nn.Parameter, nn.Parameter]:
        """(W_x*, W_h*, b_*) for one gate, uninitialised: input weights, recurrent weights, bias."""
        d, h = self.in_features, self.num_hiddens
        return (nn.Parameter(torch.empty(d, h)), nn.Parameter(torch.empty(h, h)),
                nn.Parameter(torch.empty(h)))

    def reset_parameters(self) -> None:
        """``torch``: U(-1/sqrt(H), 1/sqrt(H)) for all, as nn.RNN does; ``book``: N(0, 0.01^2)
        weights and zero biases, as the d2l scratch RNN."""
        bound = 1.0 / math.sqrt(self.num_hiddens)
        for name, p in self.named_parameters():
            if name.startswith("embedding."):
                if self.tie_weights:  # tied logits H E^T: N(0, 1) would make them sqrt(H) large
                    nn.init.uniform_(p, -0.1, 0.1)
                continue  # untied, nn.Embedding keeps its own N(0, 1) init
            if self.init == "torch":
                nn.init.uniform_(p, -bound, bound)
            elif name.startswith("b_"):
                nn.init.zeros_(p)
            else:
                nn.init.normal_(p, 0.0, 0.01)

    def recurrent(self, W_h: torch.Tensor) -> torch.Tensor:
        """W_h* as used in this forward pass: in training each entry is dropped with probability
        ``weight_drop`` and the rest scaled by 1/(1-p); one mask for all time steps and rows."""
        if self.weight_drop and self.training:
            return F.dropout(W_h, self.weight_drop, training=True)
        return W_h

    def project(self, X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """X_t W + b for every step at once, time-major: shape (steps, batch, hidden)."""
        if self.one_hot:
            return F.embedding(X.T.long(), W) + b  # one_hot(x_t) @ W is row x_t of W
        if self.embedding is not None:
            return torch.matmul(self.drop(self.embedding(X.T)), W) + b
        return torch.matmul(X.transpose(0, 1).to(W.dtype), W) + b

    def forward(self, X: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        """O (batch, steps, output_size) and the final state: the cell's H_t, then the output."""
        hiddens, state = self.hidden_states(X, state)
        return self.output(hiddens), state

    def output(self, hiddens: torch.Tensor) -> torch.Tensor:
        """O_t = H_t W_hq + b_q for all steps at once: (batch, steps, output_size)."""
        W_hq = self.embedding.weight.T if self.embedding is not None and self.tie_weights \
            else self.W_hq
        return torch.matmul(self.drop(hiddens), W_hq) + self.b_q

    def begin_state(self, batch_size: int, device: Any = None) -> Any:
        """H_0 = 0 (the LSTM overrides it with the pair (H_0, C_0))."""
        return self.zeros(batch_size, device)

    def zeros(self, batch_size: int, device: Any = None) -> torch.Tensor:
        """A zero hidden state (batch, hidden) on ``device`` (default: the parameters')."""
        p = self._param()
        return torch.zeros(batch_size, self.num_hiddens, dtype=p.dtype, device=device or p.device)
