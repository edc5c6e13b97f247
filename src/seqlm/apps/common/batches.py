"""Minibatches of variable-length labelled sequences: ``(ids, lengths, labels)`` tensors, or
``(ids, lengths, features, labels)`` when each example carries a vector of extra inputs.

A label is one class index per sequence (classification) or one per token (tagging; padded
with ``label_pad``, which the loss ignores). Each ``iter()`` is one epoch whose order is drawn
from ``(seed, epoch)`` alone, so ``state_dict``/``load_state_dict`` (two integers) resume a run
exactly, even mid-epoch. ``sampling="balanced"`` draws every class equally often (with
replacement, the epoch keeping its size); ``bucket`` sorts that many batches' worth of
examples by length before cutting them into batches, so a batch wastes little on padding.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import torch

from seqlm.apps.common.padding import pad_batch
from seqlm.errors import ConfigError, DataError, require_int

SAMPLINGS = ("shuffle", "balanced", "sequential")
LABEL_PAD = -100  # torch's cross-entropy ignore_index


class LabelledBatches:
    """Iterable of ``(ids (B, T), lengths (B,), [features (B, d),] labels (B,) or (B, T))``
    batches; ``features`` (n, d), one row per sequence, are passed on to the model."""

    carries_state = False

    def __init__(self, seqs: Sequence[np.ndarray | Sequence[int]],
                 labels: Sequence[Any] | np.ndarray, batch_size: int, pad_index: int,
                 sampling: str = "shuffle", seed: int = 0, bucket: int = 0,
                 label_pad: int = LABEL_PAD, features: np.ndarray | None = None) -> None:
        if len(seqs) != len(labels):
            raise DataError(f"{len(seqs)} sequences but {len(labels)} labels")
        if features is not None and (np.ndim(features) != 2 or len(features) != len(seqs)):
            raise DataError(f"features must be one row per sequence ({len(seqs)}), got shape "
                            f"{np.shape(features)}")
        if not len(seqs):
            raise DataError("no examples to batch")
        require_int("batch size", batch_size)
        if sampling not in SAMPLINGS:
            raise ConfigError(f"unknown sampling {sampling!r}; use {', '.join(SAMPLINGS)}")
        require_int("bucket", bucket, 0)
        self.seqs = [np.asarray(s, dtype=np.int64) for s in seqs]
        self.per_token = not np.isscalar(labels[0]) and np.ndim(labels[0]) == 1
        self.labels = ([np.asarray(y, dtype=np.int64) for y in labels] if self.per_token
                       else np.asarray(labels, dtype=np.int64))
        self.lengths = np.fromiter((len(s) for s in self.seqs), dtype=np.int64)
        self.batch_size, self.pad_index, self.label_pad = batch_size, pad_index, label_pad
        self.sampling, self.bucket = sampling, bucket
        self.seed, self.epoch = int(seed), 0
        self.features = (None if features is None
                         else torch.as_tensor(np.asarray(features, dtype=np.float32)))

    def __len__(self) -> int:
        return -(-len(self.seqs) // self.batch_size)

    def order(self, epoch: int) -> list[np.ndarray]:
        """The batches of ``epoch`` as arrays of example indices (a function of seed, epoch)."""
        n, size = len(self.seqs), self.batch_size
        if self.sampling == "sequential":
            return _cut(np.arange(n), size)
        rng = np.random.default_rng([self.seed, epoch])
        if self.sampling == "balanced":
            if self.per_token:
                raise ConfigError("balanced sampling needs one label per sequence")
            counts = np.bincount(self.labels)
            p = 1.0 / counts[self.labels]
            idx = rng.choice(n, size=n, replace=True, p=p / p.sum())
        else:
            idx = rng.permutation(n)
        if not self.bucket:
            return _cut(idx, size)
        chunks = _cut(idx, self.bucket * size)
        batches = [b for c in chunks for b in _cut(c[np.argsort(self.lengths[c], kind="stable")],
                                                      size)]
        return [batches[i] for i in rng.permutation(len(batches))]

    def batch(self, index: np.ndarray) -> tuple[torch.Tensor, ...]:
        """The padded batch of the examples ``index``."""
        ids, lengths = pad_batch([self.seqs[i] for i in index], self.pad_index)
        if self.per_token:
            ys, _ = pad_batch([self.labels[i] for i in index], self.label_pad)
        else:
            ys = torch.from_numpy(self.labels[index])
        if self.features is not None:
            return ids, lengths, self.features[torch.from_numpy(index)], ys
        return ids, lengths, ys

    def __iter__(self) -> Iterator[tuple[torch.Tensor, ...]]:
        batches = self.order(self.epoch)
        self.epoch += 1
        for index in batches:
            yield self.batch(index)

    def state_dict(self) -> dict[str, int]:
        return {"seed": self.seed, "epoch": self.epoch}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.seed, self.epoch = int(state["seed"]), int(state["epoch"])


def _cut(idx: np.ndarray, size: int) -> list[np.ndarray]:
    """Consecutive pieces of ``size`` (the last one shorter)."""
    return [idx[i : i + size] for i in range(0, len(idx), size)]
