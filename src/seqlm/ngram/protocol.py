"""What the helper modules (engine, checks, streaming, cluster) need of an n-gram model, as a
Protocol: they take an ``NgramLM`` without importing model.py, so no module imports in a cycle."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

import numpy as np

from seqlm.data.conventions import Mode
from seqlm.data.tokenize import Tokenizer
from seqlm.data.vocab import Vocab
from seqlm.ngram.counting import OrderCounts
from seqlm.ngram.estimators import Tables
from seqlm.ngram.smoothing import Smoothing
from seqlm.ngram.spool import Alloc


class NgramModel(Protocol):
    """An n-gram model's settings and arrays (NgramLM has them)."""

    order: int
    mode: Mode
    tokenizer: str | Tokenizer
    vocab: Vocab
    keys: list[np.ndarray]
    counts: list[np.ndarray] | None
    tables: Tables | None
    predicted: np.ndarray
    estimator: str
    smoothing: Smoothing
    _engine_cache: Any
    _fixed_vocab: bool

    def _tok(self) -> Tokenizer: ...

    def _check_vocab(self) -> None: ...

    def _estimate(self, tables: list[OrderCounts], first_seen: np.ndarray | None,
                  alloc: Alloc = ...) -> Any: ...

    def fit(self, corpus: str) -> Any: ...


M = TypeVar("M", bound=NgramModel)  # a function that fits a model returns the same one
