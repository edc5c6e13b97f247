"""The seed's RNN, from scratch: H_t = phi(X_t W_xh + H_{t-1} W_hh + b_h), O_t = H_t W_hq + b_q."""

from __future__ import annotations

import torch

from seqlm.errors import ConfigError
from seqlm.rnn.scratch_base import ScratchModel

NONLINEARITIES = {"tanh": torch.tanh, "relu": torch.relu}


class RNNScratch(ScratchModel):
    """One recurrent layer written as the formula, one time step at a time.

    ``forward(X, state)`` returns the logits O (batch, steps, output_size) and H_T (batch, H).
    """

    kind = "rnn_scratch"

    def __init__(
        self,
        num_hiddens: int,
        vocab_size: int | None = None,
        input_size: int | None = None,
        embed_size: int | None = None,
        output_size: int | None = None,
        nonlinearity: str = "tanh",
        init: str = "torch",
        dropout: float = 0.0,
        weight_drop: float = 0.0,
        tie_weights: bool = False,
    ) -> None:
        super().__init__(num_hiddens, vocab_size, input_size, embed_size, output_size, init,
                         dropout, weight_drop, tie_weights)
        if nonlinearity not in NONLINEARITIES:
            raise ConfigError(f"unknown nonlinearity {nonlinearity!r}; use tanh or relu")
        self.nonlinearity = nonlinearity
        self.phi = NONLINEARITIES[nonlinearity]
        self.config["nonlinearity"] = nonlinearity
        self.W_xh, self.W_hh, self.b_h = self.triple()
        self.reset_parameters()

    def hidden_states(
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
        return torch.stack(hiddens, dim=1), H

