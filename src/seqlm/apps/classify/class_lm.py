"""A generative classifier from language models, stacked under the network: one n-gram LM per
class over the class's training texts (one shared vocabulary), read by Bayes' rule,

    log p(c | x) = log p(c) + log p(x | c) - log sum_c' p(c') p(x | c')

— character n-gram LMs are a classic language identifier, and surnames are languages. The
network gets these log-posteriors as an input to its output layer (stacked generalisation,
Wolpert 1992): logits = pooled W + b + s * log p_LM(c | x), with s learned. For the training
examples the LM scores are **out of fold** (each from LMs fitted without its fold), so the
network learns how far to trust the LMs on texts they have not seen; validation, test and
``predict`` read LMs fitted on all the training texts. The LMs are stored in the classifier's
checkpoint as plain tensors (``weights_only`` loading).
"""

from __future__ import annotations

from collections.abc import Sequence
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
FOLDS = 5  # out-of-fold LM scores for the training examples


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise ConfigError(f"unknown level {level!r}; use char or word")
    return level


def default_order(level: str) -> int:
    """The order ``--class-lm`` takes when not given: 4 over characters, 2 over words."""
    return DEFAULT_ORDER[_check_level(level)]


class ClassLM:
    """Per-class n-gram LMs (modified Kneser-Ney by default) and the class priors."""

    def __init__(self, order: int = 4, level: str = "char",
                 estimator: str = "modified_kneser_ney") -> None:
        self.order = require_int("order", order)
        self.level, self.estimator = _check_level(level), estimator
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


def out_of_fold(texts: Sequence[str], labels: Sequence[str], classes: Sequence[str],
                order: int, level: str = "char", folds: int = FOLDS, seed: int = 0
                ) -> np.ndarray:
    """log p_LM(c | x) of every training example from class LMs fitted on the other folds
    (folds drawn by ``seed``; a class absent from the other folds falls back to the LMs of
    all texts, which can only happen for a class with fewer examples than folds)."""
    require_int("folds", folds, 2)
    fold = np.random.default_rng(seed).integers(0, folds, len(texts))
    out = np.zeros((len(texts), len(classes)))
    everything: ClassLM | None = None
    for k in range(folds):
        held = np.nonzero(fold == k)[0].tolist()
        if not held:
            continue
        rest = np.nonzero(fold != k)[0].tolist()
        if len({labels[i] for i in rest}) == len(classes):
            lm = ClassLM(order, level).fit([texts[i] for i in rest], [labels[i] for i in rest],
                                           classes)
        else:
            everything = everything or ClassLM(order, level).fit(texts, labels, classes)
            lm = everything
        out[held] = lm.log_posterior([texts[i] for i in held])
    return out
