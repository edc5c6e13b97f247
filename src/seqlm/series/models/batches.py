"""Mini-batches for the shared training loop: windows for the MLP, sub-sequences for the RNN.

Each object is re-iterable (one pass = one epoch) and reshuffles with its own seeded generator,
so the same seed gives the same batches.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch


class _Seeded:
    """Checkpointable shuffling: the generator's state goes into seqlm.train's checkpoints."""

    gen: torch.Generator

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {"gen": self.gen.get_state()}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        self.gen.set_state(state["gen"])


class WindowBatches(_Seeded):
    """(X, Y) = (windows (b, tau), next values (b,)), shuffled each epoch."""

    def __init__(self, features: np.ndarray, labels: np.ndarray, batch_size: int, seed: int,
                 shuffle: bool = True, device: torch.device | str = "cpu") -> None:
        self.X = torch.as_tensor(features, dtype=torch.float32, device=device)
        self.Y = torch.as_tensor(labels, dtype=torch.float32, device=device)
        self.batch_size, self.shuffle = batch_size, shuffle
        self.gen = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return -(-len(self.Y) // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = len(self.Y)
        order = torch.randperm(n, generator=self.gen) if self.shuffle else torch.arange(n)
        order = order.to(self.X.device)
        for i in range(0, n, self.batch_size):
            idx = order[i:i + self.batch_size]
            yield self.X[idx], self.Y[idx]


class SequenceBatches(_Seeded):
    """(X, Y, skip): inputs z[s:s+L], targets z[s+1:s+L+1] for random starts s; the loss ignores
    the first ``skip`` steps (burn-in: the state starts from zero at s)."""

    def __init__(self, z: np.ndarray, seq_len: int, batch_size: int, burn_in: int, seed: int,
                 device: torch.device | str = "cpu") -> None:
        self.z = torch.as_tensor(z, dtype=torch.float32, device=device)
        self.L = min(seq_len, len(z) - 1)
        self.batch_size, self.burn_in = batch_size, min(burn_in, self.L - 1)
        self.starts = len(z) - self.L  # s = 0 .. len(z) - L - 1
        self.gen = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return -(-self.starts // self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor, int]]:
        order = torch.randperm(self.starts, generator=self.gen).to(self.z.device)
        steps = torch.arange(self.L + 1, device=self.z.device)
        for i in range(0, self.starts, self.batch_size):
            seqs = self.z[order[i:i + self.batch_size, None] + steps]
            yield seqs[:, :-1], seqs[:, 1:], self.burn_in


def validation_windows(z_train: np.ndarray, z_valid: np.ndarray,
                       context: int) -> list[tuple[torch.Tensor, torch.Tensor, int]]:
    """One batch scoring each validation value from the ``context`` values before it, read from
    a zero state -- the way the latent model forecasts (only the last step is scored)."""
    z = np.concatenate([z_train, z_valid])
    c = min(context, len(z_train))
    targets = np.arange(len(z_train), len(z))
    idx = targets[:, None] + np.arange(-c, 1)  # rows z[t-c .. t]
    seqs = torch.as_tensor(z[idx], dtype=torch.float32)
    return [(seqs[:, :-1], seqs[:, 1:], c - 1)]
