"""The seed's RNN, from scratch: H_t = phi(X_t W_xh + H_{t-1} W_hh + b_h), O_t = H_t W_hq + b_q."""

from __future__ import annotations

from typing import Any

import torch

from seqlm.rnn.config import RNNConfig
from seqlm.rnn.registry import CELLS
from seqlm.rnn.scratch_base import ScratchModel

NONLINEARITIES = {"tanh": torch.tanh, "relu": torch.relu}


@CELLS.register("rnn_scratch", config=RNNConfig)
class RNNScratch(ScratchModel):
    """One recurrent layer written as the formula, one time step at a time.

    ``forward(X, state)`` returns the logits O (batch, steps, output_size) and H_T (batch, H).
    """

    kind = "rnn_scratch"

    options = frozenset({"init", "nonlinearity"})

    def __init__(self, config: RNNConfig | int | None = None, /, **settings: Any) -> None:
        super().__init__(config, **settings)
        self.nonlinearity = self.hparams.nonlinearity
        self.phi = NONLINEARITIES[self.nonlinearity]
        self.W_xh, self.W_hh, self.b_h = self.triple()
        self.reset_parameters()

    def forward(
        self, X: torch.Tensor, state: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        self.check_input(X)
        H = self.begin_state(X.shape[0], X.device) if state is None else state
        XW_xh = self.project(X, self.W_xh, self.b_h)  # X_t W_xh + b_h for all t
        W_hh = self.recurrent(self.W_hh)  # DropConnect while training, else W_hh itself
        hiddens = []
        for XW_xh_t in XW_xh:
            H = self.phi(torch.addmm(XW_xh_t, H, W_hh))  # + H_{t-1} W_hh
            hiddens.append(H)
        return self.output(hiddens), H

