"""Gated recurrent unit from scratch, gates named as the equations.

    R_t = sigmoid(X_t W_xr + H_{t-1} W_hr + b_r)              reset gate
    Z_t = sigmoid(X_t W_xz + H_{t-1} W_hz + b_z)              update gate
    H~_t = tanh(X_t W_xh + (R_t * H_{t-1}) W_hh + b_h)        candidate (Cho et al., the book)
    H_t = Z_t * H_{t-1} + (1 - Z_t) * H~_t

``reset_after=True`` applies the reset gate after the product instead,
H~_t = tanh(X_t W_xh + R_t * (H_{t-1} W_hh) + b_h): the cuDNN form that torch.nn.GRU computes.
"""

from __future__ import annotations

import torch

from seqlm.rnn.registry import register_cell
from seqlm.rnn.scratch_base import ScratchModel


@register_cell("gru_scratch")
class GRUScratch(ScratchModel):
    """One GRU layer, one time step at a time; state H (batch, hidden)."""

    options = frozenset({"init", "reset_after"})

    def make_parameters(self) -> None:
        self.reset_after = self.hparams.reset_after
        self.W_xr, self.W_hr, self.b_r = self.triple()
        self.W_xz, self.W_hz, self.b_z = self.triple()
        self.W_xh, self.W_hh, self.b_h = self.triple()

    def recur(self, X: torch.Tensor, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        H = state
        XW_xr = self.project(X, self.W_xr, self.b_r)  # input terms of every step, batched
        XW_xz = self.project(X, self.W_xz, self.b_z)
        XW_xh = self.project(X, self.W_xh, self.b_h)
        # recurrent matrices, DropConnect while training
        W_hr = self.recurrent(self.W_hr)
        W_hz = self.recurrent(self.W_hz)
        W_hh = self.recurrent(self.W_hh)
        hiddens = []
        for t in range(XW_xh.shape[0]):
            R = torch.sigmoid(XW_xr[t] + H @ W_hr)
            Z = torch.sigmoid(XW_xz[t] + H @ W_hz)
            if self.reset_after:
                H_tilde = torch.tanh(XW_xh[t] + R * (H @ W_hh))
            else:
                H_tilde = torch.tanh(XW_xh[t] + (R * H) @ W_hh)
            H = Z * H + (1 - Z) * H_tilde
            hiddens.append(H)
        return torch.stack(hiddens, dim=1), H
