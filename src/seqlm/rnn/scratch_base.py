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

from seqlm.rnn.base import SequenceModel
from seqlm.rnn.config import RNNConfig


class ScratchModel(SequenceModel):
    """Base of RNNScratch, GRUScratch and LSTMScratch (one layer, parameters named as the maths)."""

    options = frozenset({"init"})

    def __init__(self, config: RNNConfig | int | None = None, /, **settings: Any) -> None:
        super().__init__(config, **settings)
        self.init = self.hparams.init
        # Zaremba et al.'s dropout on the non-recurrent connections only: the embedded input
        # and H_t before the output layer; H_{t-1} -> H_t is never dropped.
        self.drop = nn.Dropout(self.hparams.dropout)
        # DropConnect on the recurrent matrices W_h* (Wan et al. 2013; Merity et al.'s AWD-LSTM):
        # regularises H_{t-1} -> H_t without disturbing the memory across steps.
        self.weight_drop = float(self.hparams.weight_drop)
        self.tie_weights = bool(self.hparams.tie_weights)
        # output layer O_t = H_t W_hq + b_q, shared by all three cells; tied: W_hq = E^T, the
        # transposed input embedding (Press & Wolf 2017)
        if self.tie_weights:
            self.check_tie()
        else:
            self.W_hq = nn.Parameter(torch.empty(self.num_hiddens, self.output_size))
        self.b_q = nn.Parameter(torch.empty(self.output_size))
        self.make_parameters()
        self.reset_parameters()

    def make_parameters(self) -> None:
        """Create the cell's own parameters (W_x*, W_h*, b_* per gate, see :meth:`triple`)."""
        raise NotImplementedError

    def recur(self, X: torch.Tensor, state: Any) -> tuple[torch.Tensor, Any]:
        """The cell's recurrence from ``state``: H_t of every step (batch, steps, hidden) and
        the final state; ``X`` already checked."""
        raise NotImplementedError

    def hidden_states(self, X: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        """H_t of every step before the output layer, and the final state (from zeros if
        ``state`` is None): what an encoder reads."""
        self.check_input(X)
        return self.recur(X, self.begin_state(X.shape[0], X.device) if state is None else state)

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
