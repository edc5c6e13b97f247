"""Minibatches (X, Y) over one long token stream, Y = X shifted by one: the book's two strategies.

Random sampling (``strategy="random"``)
    Drop a random offset ``o`` in ``[0, num_steps)`` tokens, cut the rest into non-overlapping
    subsequences of ``num_steps`` (the last, incomplete one and the final token are dropped:
    each subsequence needs its label), shuffle them, and group ``batch_size`` per minibatch
    (a last incomplete group is dropped). Neighbouring rows are unrelated, so a model must
    re-initialise its hidden state for every minibatch.

Sequential partitioning (``strategy="sequential"``)
    Drop a random offset ``o`` in ``[0, num_steps]``, keep the longest prefix of
    ``batch_size * L`` tokens that still has a label, and reshape it into ``batch_size`` rows of
    length ``L``. Minibatch ``i`` is columns ``[i*num_steps, (i+1)*num_steps)``: row ``j`` of
    minibatch ``i+1`` starts exactly where row ``j`` of minibatch ``i`` ended, so the hidden state
    can be carried across minibatches (detached: truncated BPTT).

In both, every token is used at most once per epoch as an input and once as a label.
A new offset (and order) is drawn each epoch from the loader's own seeded generator.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np

from seqlm.errors import ConfigError, DataError, require_int

if TYPE_CHECKING:
    import torch

Strategy = Literal["random", "sequential"]


def _check(n_tokens: int, batch_size: int, num_steps: int) -> None:
    require_int("batch size", batch_size)
    require_int("number of steps", num_steps)
    need = (batch_size + 1) * num_steps + 1
    if n_tokens < need:
        raise DataError(
            f"corpus of {n_tokens} tokens is shorter than one batch after the largest random "
            f"offset ((batch_size + 1) * num_steps + 1 = {need}); use a smaller batch"
        )


def random_batches(
    corpus: np.ndarray, batch_size: int, num_steps: int, rng: np.random.Generator
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Random sampling: shuffled, non-overlapping subsequences after a random offset."""
    offset = int(rng.integers(0, num_steps))
    data = corpus[offset:]
    num_subseqs = (len(data) - 1) // num_steps
    starts = np.arange(num_subseqs) * num_steps
    rng.shuffle(starts)
    idx = np.arange(num_steps)
    for b in range(num_subseqs // batch_size):
        s = starts[b * batch_size : (b + 1) * batch_size, None] + idx
        yield data[s], data[s + 1]


def sequential_batches(
    corpus: np.ndarray, batch_size: int, num_steps: int, rng: np.random.Generator
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Sequential partitioning: row j of batch i+1 continues row j of batch i."""
    offset = int(rng.integers(0, num_steps + 1))
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    xs = corpus[offset : offset + num_tokens].reshape(batch_size, -1)
    ys = corpus[offset + 1 : offset + 1 + num_tokens].reshape(batch_size, -1)
    for i in range(0, (xs.shape[1] // num_steps) * num_steps, num_steps):
        yield xs[:, i : i + num_steps], ys[:, i : i + num_steps]


class SeqDataLoader:
    """Iterate (X, Y) int64 tensors of shape (batch_size, num_steps); reproducible from ``seed``.

    Each ``iter()`` is a new epoch with a fresh offset and order from the loader's generator;
    ``state_dict``/``load_state_dict`` save that generator so a resumed run continues exactly.
    """

    def __init__(
        self,
        corpus: Sequence[int] | np.ndarray,
        batch_size: int,
        num_steps: int,
        strategy: Strategy = "sequential",
        seed: int = 0,
    ) -> None:
        arr = np.asarray(corpus, dtype=np.int64)
        if arr.ndim != 1:
            raise ConfigError("corpus must be a 1-D sequence of token indices")
        _check(len(arr), batch_size, num_steps)
        if strategy not in ("random", "sequential"):
            raise ConfigError(f"unknown batching strategy {strategy!r}; use random or sequential")
        self.corpus = arr
        self.batch_size = int(batch_size)
        self.num_steps = int(num_steps)
        self.strategy: Strategy = strategy
        self.rng = np.random.default_rng(seed)

    @property
    def carries_state(self) -> bool:
        """True when the hidden state may be carried from one minibatch to the next."""
        return self.strategy == "sequential"

    def __len__(self) -> int:
        """Minimum number of minibatches per epoch (the exact count depends on the offset)."""
        n, b, s = len(self.corpus), self.batch_size, self.num_steps
        if self.strategy == "random":
            return ((n - s) // s) // b
        return ((n - s - 1) // b) // s

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        import torch  # lazily: seqlm.data stays importable without paying for torch

        fn = random_batches if self.strategy == "random" else sequential_batches
        for x, y in fn(self.corpus, self.batch_size, self.num_steps, self.rng):
            yield torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(
                np.ascontiguousarray(y)
            )

    def state_dict(self) -> dict[str, object]:
        """The generator state, JSON/torch-serialisable (no pickle of objects)."""
        return {"bit_generator": self.rng.bit_generator.state}

    def load_state_dict(self, state: dict[str, object]) -> None:
        """Restore the generator saved by :meth:`state_dict`."""
        self.rng.bit_generator.state = state["bit_generator"]  # type: ignore[assignment]
