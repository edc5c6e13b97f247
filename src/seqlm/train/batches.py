"""Deterministic evaluation batches over a token stream, and moving any batch to a device.

Training uses :class:`seqlm.data.SeqDataLoader` (random offset per epoch). Evaluation must be
the same every time and cover the whole text: :class:`StreamBatches` cuts the stream into
``batch_size`` contiguous rows with no random offset, carries the state along each row and
keeps the last, shorter chunk. With ``batch_size=1`` every token after the first is predicted
once from its full history -- exactly stream-mode scoring.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import torch

from seqlm.errors import DataError, require_int


class StreamBatches:
    """(X, Y) int64 chunks of a stream: rows are contiguous slices, state carried between chunks."""

    carries_state = True

    def __init__(self, corpus: Sequence[int] | np.ndarray, batch_size: int, num_steps: int) -> None:
        arr = np.asarray(corpus, dtype=np.int64)
        require_int("batch size", batch_size)
        require_int("number of steps", num_steps)
        if arr.ndim != 1 or len(arr) < batch_size + 1:
            raise DataError(
                f"evaluation text of {len(arr)} tokens is too short for {batch_size} rows"
            )
        self.row_len = (len(arr) - 1) // batch_size  # predictions per row
        n = self.row_len * batch_size
        self.xs = arr[:n].reshape(batch_size, self.row_len)
        self.ys = arr[1 : n + 1].reshape(batch_size, self.row_len)
        self.num_steps = num_steps

    @property
    def num_predictions(self) -> int:
        """How many tokens are predicted in one pass (all but the first, minus the remainder)."""
        return int(self.ys.size)

    def __len__(self) -> int:
        return -(-self.row_len // self.num_steps)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for i in range(0, self.row_len, self.num_steps):
            yield (torch.from_numpy(np.ascontiguousarray(self.xs[:, i : i + self.num_steps])),
                   torch.from_numpy(np.ascontiguousarray(self.ys[:, i : i + self.num_steps])))


def to_device(batch: Any, device: torch.device) -> Any:
    """Move every tensor in a (nested) tuple/list/dict batch to ``device``."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, (tuple, list)):
        return type(batch)(to_device(b, device) for b in batch)
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    return batch
