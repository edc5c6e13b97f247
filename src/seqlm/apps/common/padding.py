"""Variable-length sequences as one right-padded tensor plus their lengths, and the masks
and reversals an encoder needs so that padding never reaches a real position."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from seqlm.errors import DataError


def pad_batch(seqs: Sequence[Sequence[int] | np.ndarray], pad_index: int
              ) -> tuple[torch.Tensor, torch.Tensor]:
    """``(ids, lengths)``: int64 (batch, longest) right-padded with ``pad_index``, int64 (batch,).

    Every sequence must hold at least one token (an empty one has no state to read).
    """
    if not seqs:
        raise DataError("a batch needs at least one sequence")
    lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=len(seqs))
    if lengths.min() == 0:
        raise DataError("a sequence in the batch is empty (every example needs a token)")
    ids = np.full((len(seqs), int(lengths.max())), pad_index, dtype=np.int64)
    for row, s in enumerate(seqs):
        ids[row, : len(s)] = s
    return torch.from_numpy(ids), torch.from_numpy(lengths)


def length_mask(lengths: torch.Tensor, steps: int) -> torch.Tensor:
    """Bool (batch, steps): True at the real positions t < length, False on the padding."""
    return torch.arange(steps, device=lengths.device)[None, :] < lengths[:, None]


def reverse_padded(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse each row's first ``length`` steps (axis 1), leaving its padding where it is.

    Applied twice it is the identity; a backward RNN reads the reversed ids from position 0
    and its states are put back in the original order by reversing them again.
    """
    steps = x.shape[1]
    t = torch.arange(steps, device=x.device)[None, :]
    lens = lengths.to(x.device)[:, None]
    index = torch.where(t < lens, lens - 1 - t, t)  # (batch, steps)
    if x.dim() > 2:
        index = index.reshape(*index.shape, *([1] * (x.dim() - 2))).expand_as(x)
    return torch.gather(x, 1, index)


def last_step(h: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """h[b, length_b - 1] for every row b: (batch, features) from (batch, steps, features)."""
    index = (lengths.to(h.device) - 1).view(-1, 1, 1).expand(-1, 1, h.shape[-1])
    return h.gather(1, index).squeeze(1)
