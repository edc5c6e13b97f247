"""Teacher-forcing minibatches: the shared padded batches, cut into decoder input and target.

:class:`seqlm.apps.common.LabelledBatches` pads sources and targets (``<bos> y <eos>``) with
``<pad>`` and shuffles, buckets and resumes them; this view yields
``((src, src_len, tgt[:, :-1]), tgt[:, 1:])``, the (X, Y) a
:class:`seqlm.train.LanguageModelTask` with ``ignore_index = <pad>`` scores: the model reads
the target up to each position and predicts the next token, and padding is never scored.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import torch

from seqlm.apps.common import LabelledBatches

Batch = tuple[tuple[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]


class PairBatches:
    """``((src, src_len, tgt_in), tgt_out)`` batches over encoded pairs (seeded, resumable)."""

    carries_state = False

    def __init__(self, sources: Sequence[np.ndarray], targets: Sequence[np.ndarray],
                 batch_size: int, pad: int, shuffle: bool = True, seed: int = 0,
                 bucket: int = 50) -> None:
        self.inner = LabelledBatches(sources, list(targets), batch_size, pad,
                                     sampling="shuffle" if shuffle else "sequential",
                                     seed=seed, bucket=bucket if shuffle else 0, label_pad=pad)

    def __len__(self) -> int:
        return len(self.inner)

    def __iter__(self) -> Iterator[Batch]:
        for src, src_len, tgt in self.inner:
            yield (src, src_len, tgt[:, :-1]), tgt[:, 1:]

    def state_dict(self) -> dict[str, Any]:
        return self.inner.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.inner.load_state_dict(state)
