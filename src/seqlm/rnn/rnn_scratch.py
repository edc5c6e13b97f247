"""The seed's RNN, from scratch: H_t = phi(X_t W_xh + H_{t-1} W_hh + b_h), O_t = H_t W_hq + b_q."""

from __future__ import annotations

import torch

from seqlm.rnn.registry import register_cell
from seqlm.rnn.scratch_base import ScratchModel

NONLINEARITIES = {"tanh": torch.tanh, "relu": torch.relu}


@register_cell("rnn_scratch")
class RNNScratch(ScratchModel):
    """One recurrent layer written as the formula, one time step at a time.

    ``forward(X, state)`` returns the logits O (batch, steps, output_size) and H_T (batch, H).
    """

    options = frozenset({"init", "nonlinearity"})

    def make_parameters(self) -> None:
        self.nonlinearity = self.hparams.nonlinearity
        self.phi = NONLINEARITIES[self.nonlinearity]
        self.W_xh, self.W_hh, self.b_h = self.triple()

    def recur(self, X: torch.Tensor, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        H = state
        XW_xh = self.project(X, self.W_xh, self.b_h)  # X_t W_xh + b_h for all t
        W_hh = self.recurrent(self.W_hh)  # DropConnect while training, else W_hh itself
        hiddens = []
        for XW_xh_t in XW_xh:
            H = self.phi(torch.addmm(XW_xh_t, H, W_hh))  # + H_{t-1} W_hh
            hiddens.append(H)
        return torch.stack(hiddens, dim=1), H

