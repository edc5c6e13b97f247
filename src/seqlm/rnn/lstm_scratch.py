"""Long short-term memory from scratch, gates named as the equations.

    I_t = sigmoid(X_t W_xi + H_{t-1} W_hi + b_i)       input gate
    F_t = sigmoid(X_t W_xf + H_{t-1} W_hf + b_f)       forget gate
    O_t = sigmoid(X_t W_xo + H_{t-1} W_ho + b_o)       output gate
    C~_t = tanh(X_t W_xc + H_{t-1} W_hc + b_c)         candidate memory
    C_t = F_t * C_{t-1} + I_t * C~_t                   memory cell
    H_t = O_t * tanh(C_t)
"""

from __future__ import annotations

from typing import Any

import torch

from seqlm.rnn.registry import register_cell
from seqlm.rnn.scratch_base import ScratchModel

HC = tuple[torch.Tensor, torch.Tensor]  # the LSTM state: hidden H and memory cell C


@register_cell("lstm_scratch")
class LSTMScratch(ScratchModel):
    """One LSTM layer, one time step at a time; state (H, C), each (batch, hidden)."""

    def make_parameters(self) -> None:
        self.W_xi, self.W_hi, self.b_i = self.triple()
        self.W_xf, self.W_hf, self.b_f = self.triple()
        self.W_xo, self.W_ho, self.b_o = self.triple()
        self.W_xc, self.W_hc, self.b_c = self.triple()

    def begin_state(self, batch_size: int, device: Any = None) -> HC:
        """(H_0, C_0) = (0, 0)."""
        return self.zeros(batch_size, device), self.zeros(batch_size, device)

    def recur(self, X: torch.Tensor, state: HC) -> tuple[torch.Tensor, HC]:
        H, C = state
        XW_xi = self.project(X, self.W_xi, self.b_i)  # input terms of every step, batched
        XW_xf = self.project(X, self.W_xf, self.b_f)
        XW_xo = self.project(X, self.W_xo, self.b_o)
        XW_xc = self.project(X, self.W_xc, self.b_c)
        # recurrent matrices, DropConnect while training
        W_hi = self.recurrent(self.W_hi)
        W_hf = self.recurrent(self.W_hf)
        W_ho = self.recurrent(self.W_ho)
        W_hc = self.recurrent(self.W_hc)
        hiddens = []
        for t in range(XW_xc.shape[0]):
            I = torch.sigmoid(XW_xi[t] + H @ W_hi)  # noqa: E741 (names as the equations)
            F = torch.sigmoid(XW_xf[t] + H @ W_hf)
            O = torch.sigmoid(XW_xo[t] + H @ W_ho)  # noqa: E741
            C_tilde = torch.tanh(XW_xc[t] + H @ W_hc)
            C = F * C + I * C_tilde
            H = O * torch.tanh(C)
            hiddens.append(H)
        return torch.stack(hiddens, dim=1), (H, C)
