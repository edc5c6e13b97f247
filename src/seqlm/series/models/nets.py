"""The two torch networks: an MLP on the last tau values, and a latent-state RNN.

Both work on standardised values; the forecaster classes own scaling, training and prediction.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from seqlm.errors import ConfigError

CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class MarkovMLP(nn.Module):
    """x_t ~ MLP(x_{t-tau}, ..., x_{t-1}): Linear -> ReLU per hidden layer, then Linear -> 1.

    ``linear_skip`` adds a linear AR term w^T x + b beside the MLP (a "highway", as in LSTNet):
    the net then only has to learn the non-linear correction to an AR(tau) model.
    ``outputs`` > 1 is a multi-output head (the direct strategy): x_t, ..., x_(t+outputs-1)
    from the same window, each trained on its own target.
    """

    def __init__(self, tau: int, hidden: Sequence[int] = (10,), linear_skip: bool = False,
                 outputs: int = 1) -> None:
        super().__init__()
        self.outputs = outputs
        self.skip = nn.Linear(tau, outputs) if linear_skip else None
        layers: list[nn.Module] = []
        width = tau
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers.append(nn.Linear(width, outputs))
        self.net = nn.Sequential(*layers)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """(batch, tau) windows -> (batch,) next values, or (batch, outputs) with a multi-output
        head."""
        out = self.net(X)
        if self.skip is not None:
            out = out + self.skip(X)
        return out.squeeze(-1) if self.outputs == 1 else out


class LatentRNN(nn.Module):
    """h_t = f(x_{t-1}, h_{t-1}) (stacked RNN/GRU/LSTM layers); x_t predicted as W_hq h_t + b_q.

    Layers are separate single-layer modules so that every layer's state is available at every
    step (needed to start forecasts from any point of an observed series).
    """

    def __init__(self, hidden: int = 32, cell: str = "gru", num_layers: int = 1) -> None:
        super().__init__()
        if cell not in CELLS:
            raise ConfigError(f"cell must be one of {', '.join(CELLS)}, got {cell!r}")
        self.cell = cell
        self.layers = nn.ModuleList(
            CELLS[cell](1 if i == 0 else hidden, hidden, batch_first=True)
            for i in range(num_layers))
        self.head = nn.Linear(hidden, 1)  # W_hq, b_q

    def forward(self, X: torch.Tensor, state: list | None = None) -> tuple[torch.Tensor, list]:
        """Inputs (batch, steps) = x_{t-1}; returns predictions of x_t (batch, steps), new state."""
        out, new_state = self.run_layers(X.unsqueeze(-1), state)
        return self.head(out[-1]).squeeze(-1), new_state

    def run_layers(self, inp: torch.Tensor,
                   state: list | None = None) -> tuple[list[torch.Tensor], list]:
        """Every layer's output sequence (batch, steps, hidden) and the final per-layer states."""
        outs, finals = [], []
        for i, layer in enumerate(self.layers):
            inp, s = layer(inp, None if state is None else state[i])
            outs.append(inp)
            finals.append(s)
        return outs, finals

    def step(self, x: torch.Tensor, state: list) -> tuple[torch.Tensor, list]:
        """One step for a batch of scalars x (batch,): returns prediction (batch,), new state."""
        pred, state = self.forward(x.unsqueeze(1), state)
        return pred[:, 0], state
