"""Distillation from a counting model: soft next-token targets from a cross-fitted n-gram teacher.

Training on  S_t = (1 - alpha) onehot(x_t) + alpha q(. | x_<t)  instead of the one-hot label adds
the n-gram's view of every alternative to each step (knowledge distillation, Hinton et al. 2015):
a regulariser that speeds early learning on small corpora. The teacher must not have counted the
token it predicts -- an n-gram that saw x_t in its own counts hands the student the answer -- so
q is *cross-fitted*: the stream is cut into K folds and each fold's targets come from a model
counted on the other K - 1 folds (their concatenation; K - 1 junction n-grams per model are the
only artefact). ``folds=1`` is the leaky teacher, one model counted on everything: there only
to measure what cross-fitting is worth. The student stays a plain RNN: the teacher is needed in
training only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from seqlm.data import SeqDataLoader
from seqlm.data.vocab import Vocab
from seqlm.errors import ConfigError, require_int, require_number
from seqlm.ngram import NgramLM
from seqlm.ngram.encode import Encoded
from seqlm.ngram.memory import available_bytes

Batch = tuple[torch.Tensor, torch.Tensor, torch.Tensor]


def _check_weights(alpha: float, decay: float) -> None:
    for name, v in (("alpha", alpha), ("alpha decay", decay)):
        require_number(f"distillation {name}", v, 0.0, 1.0)


def _check_teacher(order: int, folds: int, estimator: str) -> None:
    require_int("teacher order", order)
    require_int("teacher folds (1 = no cross-fitting)", folds)
    if not NgramLM(order, estimator, mode="stream").proper:  # checks the estimator too
        raise ConfigError(f"the {estimator} estimator gives scores, not probabilities: "
                          "no teacher")


@dataclass(frozen=True)
class Distillation:
    """How to distil: the teacher's weight ``alpha`` in epoch e is alpha decay^(e-1); the teacher
    is an order-``order`` ``estimator`` model, cross-fitted over ``folds`` folds (1 = leaky)."""

    alpha: float = 0.5
    decay: float = 0.98
    order: int = 8
    folds: int = 10
    estimator: str = "modified_kneser_ney"

    def __post_init__(self) -> None:
        _check_weights(self.alpha, self.decay)
        _check_teacher(self.order, self.folds, self.estimator)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for checkpoints)."""
        return asdict(self)

    def teacher(self, ids: Sequence[int] | np.ndarray, vocab: Vocab,
                progress: bool = False) -> np.ndarray:
        """The cross-fitted soft targets of ``ids`` (see :func:`ngram_teacher`)."""
        return ngram_teacher(ids, vocab, self.order, self.folds, self.estimator, progress)


def ngram_teacher(ids: Sequence[int] | np.ndarray, vocab: Vocab, order: int = 8, folds: int = 10,
                  estimator: str = "modified_kneser_ney", progress: bool = False) -> np.ndarray:
    """(len(ids), |V|) float32: row t = q(. | ids[:t]) from an order-``order`` model counted
    without t's fold (row 0, never a target, is a copy of row 1)."""
    arr = np.asarray(ids, dtype=np.int64)
    _check_teacher(order, folds, estimator)
    if len(arr) < 2 * folds:
        raise ConfigError(f"{len(arr)} tokens are too few for {folds} teacher folds")
    need, have = 3 * len(arr) * len(vocab) * 4, available_bytes()
    if need > have:
        raise ConfigError(f"a dense teacher of {len(arr)} x {len(vocab)} probabilities needs "
                          f"about {need / 1e9:.1f} GB, more than the {have / 1e9:.1f} GB "
                          "available: use a smaller vocabulary (char level) or less text")
    out = np.zeros((len(arr), len(vocab)), dtype=np.float32)
    bounds = np.linspace(0, len(arr), folds + 1).astype(np.int64)
    for a, b in tqdm(pairwise(bounds), total=folds, desc="teacher folds", disable=not progress):
        model = NgramLM(order, estimator, mode="stream", vocab=vocab)
        model.fit_ids(arr if folds == 1 else np.concatenate([arr[:a], arr[b:]]))
        targets = np.arange(max(int(a), 1), int(b), dtype=np.int64)
        enc = Encoded(arr, np.zeros(len(arr), dtype=np.int64), targets,
                      np.zeros(len(targets), dtype=bool))
        out[targets] = model._distributions(enc)
    out[0] = out[1]
    return out


class TeacherBatches:
    """The LM loader's minibatches with soft targets: (X, Y, S), S of shape (B, T, |V|).

    Batching is exactly ``SeqDataLoader``'s (same seed, same offsets), run over positions so
    that each label finds its teacher row. alpha decays by ``decay`` per epoch (the teacher
    helps most early; a student better than its teacher should follow the data).
    """

    def __init__(self, ids: Sequence[int] | np.ndarray, teacher: np.ndarray, batch_size: int,
                 num_steps: int, alpha: float, decay: float = 1.0,
                 strategy: str = "sequential", seed: int = 0) -> None:
        self.ids = torch.as_tensor(np.asarray(ids, dtype=np.int64))
        if teacher.shape[0] != len(self.ids) or teacher.ndim != 2:
            raise ConfigError(f"teacher of shape {teacher.shape} does not match {len(self.ids)} "
                              "training tokens")
        _check_weights(alpha, decay)
        self.teacher = torch.as_tensor(teacher, dtype=torch.float32)
        self.positions = SeqDataLoader(np.arange(len(self.ids)), batch_size, num_steps,
                                       strategy=strategy, seed=seed)  # type: ignore[arg-type]
        self.alpha, self.decay, self.epoch = float(alpha), float(decay), 0

    @property
    def carries_state(self) -> bool:
        """As the wrapped loader: sequential batches carry the hidden state."""
        return self.positions.carries_state

    def __len__(self) -> int:
        return len(self.positions)

    def current_alpha(self) -> float:
        """The teacher's weight in the epoch about to run (alpha decay^epoch)."""
        return self.alpha * self.decay ** self.epoch

    def __iter__(self) -> Iterator[Batch]:
        alpha = self.current_alpha()
        self.epoch += 1
        for xp, yp in self.positions:
            y = self.ids[yp]
            soft = self.teacher[yp] * alpha
            soft.scatter_add_(-1, y.unsqueeze(-1), torch.full((*y.shape, 1), 1.0 - alpha))
            yield self.ids[xp], y, soft

    def state_dict(self) -> dict[str, Any]:
        """The position loader's generator and the epoch count (alpha's schedule)."""
        return {"positions": self.positions.state_dict(), "epoch": self.epoch}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore :meth:`state_dict`."""
        self.positions.load_state_dict(state["positions"])
        self.epoch = int(state["epoch"])
