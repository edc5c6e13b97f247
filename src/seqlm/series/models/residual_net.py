"""E small MLPs trained at once on all windows (one full batch), with early stopping per member.

out_e(x) = W_2e relu(W_1e x + b_1e) + b_2e for members e = 1..E. Each member's loss depends only
on its own weights and Adam's update is per weight, so one joint step equals E separate steps:
the ensemble costs about as much as one net. Used by ``auto`` for the residual of a linear AR.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn


class EnsembleMLP(nn.Module):
    """E one-hidden-layer MLPs with ``inputs`` inputs and ``hidden`` ReLU units each."""

    def __init__(self, members: int, inputs: int, hidden: int, seed: int = 0) -> None:
        super().__init__()
        g = torch.Generator().manual_seed(seed)

        def uniform(*shape: int, fan_in: int) -> nn.Parameter:  # torch's nn.Linear default
            bound = 1 / math.sqrt(fan_in)
            return nn.Parameter((torch.rand(*shape, generator=g) * 2 - 1) * bound)

        self.W_1 = uniform(members, inputs, hidden, fan_in=inputs)
        self.b_1 = uniform(members, 1, hidden, fan_in=inputs)
        self.W_2 = uniform(members, hidden, 1, fan_in=hidden)
        self.b_2 = uniform(members, 1, 1, fan_in=hidden)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """X (N, inputs) -> (E, N): every member's output for every row."""
        E, N = self.W_1.shape[0], X.shape[0]
        h = torch.relu(torch.baddbmm(self.b_1, X.expand(E, N, X.shape[1]), self.W_1))
        return torch.baddbmm(self.b_2, h, self.W_2).squeeze(-1)


def _mse(net: EnsembleMLP, X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    return (net(X) - Y).pow(2).mean(dim=1)  # (E,)


def train_ensemble(net: EnsembleMLP, X: np.ndarray, Y: np.ndarray,
                   X_valid: np.ndarray | None = None, Y_valid: np.ndarray | None = None, *,
                   steps: int | np.ndarray = 600, lr: float = 0.01, weight_decay: float = 1e-4,
                   patience: int = 60, clip: float = 1.0) -> np.ndarray:
    """Full-batch Adam on every window; returns each member's number of steps.

    With validation windows each member keeps its weights of the best validation MSE (and its
    step count, for a refit on more data); without, member e stops after ``steps[e]`` steps.
    """
    E = net.W_1.shape[0]
    limit = np.broadcast_to(np.asarray(steps, dtype=np.int64), (E,)).copy()
    Xt, Yt = (torch.as_tensor(a, dtype=torch.float32) for a in (X, Y))
    has_valid = X_valid is not None and Y_valid is not None and len(Y_valid) > 0
    if has_valid:
        Xv, Yv = (torch.as_tensor(a, dtype=torch.float32) for a in (X_valid, Y_valid))
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=weight_decay)
    best_loss = np.full(E, np.inf)
    best_step = np.zeros(E, dtype=np.int64)
    best = [p.detach().clone() for p in net.parameters()]
    for step in range(1, int(limit.max()) + 1):
        opt.zero_grad()
        _mse(net, Xt, Yt).sum().backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), clip)
        opt.step()
        with torch.no_grad():
            if has_valid:
                loss = _mse(net, Xv, Yv).numpy()
                better = loss < best_loss
            else:
                loss = np.zeros(E)
                better = limit == step
            if better.any():
                best_loss[better], best_step[better] = loss[better], step
                idx = torch.as_tensor(np.flatnonzero(better))
                for b, p in zip(best, net.parameters(), strict=True):
                    b[idx] = p[idx]
            if has_valid and np.all(step - best_step >= patience):
                break
    with torch.no_grad():
        for b, p in zip(best, net.parameters(), strict=True):
            p.copy_(b)
    return np.maximum(best_step, 1)
