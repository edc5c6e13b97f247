"""A generative classifier from language models: one n-gram LM per class over the class's
training texts (one shared vocabulary), and Bayes' rule

    log p(c | x) = log p(c) + log p(x | c) - log sum_c' p(c') p(x | c')

— character n-gram LMs are a classic language identifier, and surnames are languages. Its
scores join the network's by a log-linear mix whose two weights are chosen on validation:

    p(c | x)  ~  p_net(c | x)^w  *  (p(c) p(x | c))^t

(w = 1, t = 0 is the network alone; w = 0 the LMs alone with temperature 1/t). The models are
stored in the classifier's checkpoint as plain tensors (``weights_only`` loading).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from seqlm.apps.common.text import LEVELS, tokenize
from seqlm.data import Vocab
from seqlm.data.conventions import BOS, EOS
from seqlm.errors import ConfigError, DataError, require_int
from seqlm.ngram.estimators import Tables
from seqlm.ngram.model import NgramLM
from seqlm.train.errors import CheckpointError

DEFAULT_ORDER = {"char": 4, "word": 2}  # --class-lm auto
WEIGHTS = np.round(np.arange(0.0, 2.0001, 0.1), 2)     # w, the network's
LM_WEIGHTS = np.round(np.arange(0.0, 1.0001, 0.05), 2)  # t, the class LMs'


def default_order(level: str) -> int:
    """The order ``--class-lm`` takes when not given: 4 over characters, 2 over words."""
    if level not in LEVELS:
        raise ConfigError(f"unknown level {level!r}; use char or word")
    return DEFAULT_ORDER[level]


class ClassLM:
    """Per-class n-gram LMs (modified Kneser-Ney by default) and the class priors."""

    def __init__(self, order: int = 4, level: str = "char",
                 estimator: str = "modified_kneser_ney") -> None:
        self.order = require_int("order", order)
        if level not in LEVELS:
            raise ConfigError(f"unknown level {level!r}; use char or word")
        self.level, self.estimator = level, estimator
        self.classes: list[str] = []
        self.models: list[NgramLM] = []
        self.log_prior = np.zeros(0)

    def fit(self, texts: Sequence[str], labels: Sequence[str], classes: Sequence[str]
            ) -> ClassLM:
        """One LM per class of ``classes`` (in that order) on its texts; priors from counts."""
        by: dict[str, list[str]] = {c: [] for c in classes}
        for text, label in zip(texts, labels, strict=True):
            if label not in by:
                raise DataError(f"label {label!r} is not one of the classes")
            by[label].append(text)
        empty = [c for c, t in by.items() if not t]
        if empty:
            raise DataError(f"no training text for class {empty[0]!r}")
        vocab = Vocab((tokenize(t, self.level) for t in texts), reserved_tokens=[BOS, EOS])
        self.classes = list(classes)
        self.models = [NgramLM(self.order, self.estimator, tokenizer=self.level, vocab=vocab)
                       .fit(by[c]) for c in self.classes]
        n = np.array([len(by[c]) for c in self.classes], dtype=np.float64)
        self.log_prior = np.log(n / n.sum())
        return self

    def log_likelihoods(self, texts: Sequence[str]) -> np.ndarray:
        """log p(x | c) (natural log, ``</s>`` included), shape (len(texts), classes)."""
        if not self.models:
            raise ConfigError("the class LMs are not fitted")
        if not texts:
            return np.zeros((0, len(self.classes)))
        sizes = np.array([len(tokenize(t, self.level)) + 1 for t in texts])
        if (sizes == 1).any():
            i = int(np.argmax(sizes == 1))
            raise DataError(f"example {i + 1} is empty: {texts[i]!r}")
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        return np.stack([np.add.reduceat(m.token_scores(list(texts)).logprob, starts)
                         for m in self.models], axis=1)

    def log_joint(self, texts: Sequence[str]) -> np.ndarray:
        """log p(c) + log p(x | c): Bayes' rule's numerator for every text and class."""
        return self.log_likelihoods(texts) + self.log_prior

    def log_posterior(self, texts: Sequence[str]) -> np.ndarray:
        """log p(c | x) of the LMs alone."""
        return log_softmax(self.log_joint(texts))

    def to_state(self) -> dict[str, Any]:
        """Plain values and tensors (what a ``weights_only`` checkpoint may hold)."""
        models = []
        for m in self.models:
            assert m.tables is not None  # fitted with an interpolated (backoff-form) estimator
            models.append({"keys": [torch.from_numpy(np.ascontiguousarray(k)) for k in m.keys],
                           "logp": [torch.from_numpy(np.ascontiguousarray(a))
                                    for a in m.tables.logp],
                           "logbow": [torch.from_numpy(np.ascontiguousarray(a))
                                      for a in m.tables.logbow],
                           "discounts": [list(d) for d in m.tables.discounts]})
        return {"order": self.order, "level": self.level, "estimator": self.estimator,
                "classes": list(self.classes), "vocab": self.models[0].vocab.to_dict(),
                "predicted": torch.from_numpy(self.models[0].predicted.copy()),
                "log_prior": torch.from_numpy(self.log_prior.copy()), "models": models}

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ClassLM:
        """Rebuild from :meth:`to_state` (a damaged state is a CheckpointError)."""
        try:
            lm = cls(int(state["order"]), str(state["level"]), str(state["estimator"]))
            vocab = Vocab.from_dict(state["vocab"])
            predicted = state["predicted"].numpy().astype(bool)
            settings = {"order": lm.order, "estimator": lm.estimator, "mode": "sentence",
                        "tokenizer": lm.level}
            lm.classes = [str(c) for c in state["classes"]]
            lm.log_prior = state["log_prior"].numpy().astype(np.float64)
            lm.models = [NgramLM.from_arrays(
                settings, vocab, [k.numpy() for k in m["keys"]], predicted, None,
                Tables([a.numpy() for a in m["logp"]], [a.numpy() for a in m["logbow"]],
                       [tuple(d) for d in m["discounts"]]), "the class LMs")
                for m in state["models"]]
        except (KeyError, TypeError, ValueError, AttributeError, ConfigError) as exc:
            raise CheckpointError(f"the class LMs do not rebuild: {exc}") from None
        if len(lm.models) != len(lm.classes) or len(lm.log_prior) != len(lm.classes):
            raise CheckpointError("the class LMs do not match their classes")
        return lm


def log_softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise log-softmax in float64."""
    top = scores.max(axis=1, keepdims=True)
    shifted = scores - np.where(np.isfinite(top), top, 0.0)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


@dataclass(frozen=True)
class Mix:
    """The log-linear mix: ``w`` on the network's log p(c | x), ``t`` on the LMs' joint."""

    w: float = 1.0
    t: float = 0.0

    def __call__(self, net_logp: np.ndarray, lm_joint: np.ndarray) -> np.ndarray:
        """log p(c | x) of the mix."""
        return log_softmax(self.w * net_logp + self.t * lm_joint)


def choose_mix(net_logp: np.ndarray, lm_joint: np.ndarray, y: np.ndarray
               ) -> tuple[Mix, float]:
    """The (w, t) of the grid with the lowest validation NLL (ties: the earlier in the grid,
    i.e. the smaller weights), and that NLL. A proper score, so the mix is calibrated too."""
    rows = np.arange(len(y))
    best: tuple[float, Mix] | None = None
    for w in WEIGHTS:
        for t in LM_WEIGHTS:
            if w == 0 and t == 0:
                continue
            mix = Mix(float(w), float(t))
            nll = float(-mix(net_logp, lm_joint)[rows, y].mean())
            if best is None or nll < best[0] - 1e-12:
                best = (nll, mix)
    assert best is not None
    return best[1], best[0]
