"""A trained classifier from its checkpoint alone: class probabilities, top-k predictions and
evaluation reports. Unseen characters are read as ``<unk>`` (``unseen`` lists them). A network
trained on class LMs' scores (class_lm.py) gets them from the LMs stored in its checkpoint."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from seqlm.apps.classify.class_lm import ClassLM
from seqlm.apps.classify.data import Examples
from seqlm.apps.classify.model import SequenceClassifier
from seqlm.apps.common import (
    ClassificationReport,
    LabelledBatches,
    LabelMap,
    classification_report,
    encode_texts,
    pad_index,
)
from seqlm.apps.common.registry import MODELS
from seqlm.apps.common.text import unseen_tokens
from seqlm.data import Vocab
from seqlm.errors import ConfigError, DataError, first_line, require_int
from seqlm.progress import progress_bar


class Classifier:
    """``model`` + ``vocab`` + ``labels``: p(class | text) for any list of texts."""

    def __init__(self, model: SequenceClassifier, vocab: Vocab, labels: LabelMap,
                 level: str = "char", batch_size: int = 256, class_lm: ClassLM | None = None
                 ) -> None:
        if model.cfg.vocab_size != len(vocab) or model.cfg.num_classes != len(labels):
            raise ConfigError("the model's vocabulary or class count does not match")
        if model.cfg.lm_input != (class_lm is not None):
            raise ConfigError("the model reads class LMs but none are given" if class_lm is None
                              else "class LMs given to a model that does not read them")
        if class_lm is not None and class_lm.classes != labels.labels:
            raise ConfigError("the class LMs' classes do not match the classifier's")
        self.model, self.vocab, self.labels, self.level = model.eval(), vocab, labels, level
        self.batch_size = batch_size
        self.class_lm = class_lm

    @classmethod
    def load(cls, path: str | os.PathLike[str], device: str = "cpu") -> Classifier:
        """Rebuild from a ``seqlm classify train`` checkpoint (``weights_only`` loading)."""
        from seqlm.train import CheckpointError, load_checkpoint, resolve_device
        from seqlm.train.average import load_averaged

        ckpt = load_checkpoint(path, map_location=resolve_device(device))
        extra = ckpt.get("extra") or {}
        if extra.get("task") != "classify":
            raise CheckpointError(f"{path} is a seqlm checkpoint but not of a classifier")
        try:
            model = MODELS.load(ckpt["model_config"])
            model.load_state_dict(ckpt["model_state"])
            load_averaged(model, ckpt)  # the weights validation chose, when averaged
            vocab = Vocab.from_dict(ckpt["vocab"])
            labels = LabelMap.from_dict(extra["labels"])
            level = str(extra["settings"]["level"])
            class_lm = (ClassLM.from_state(extra["class_lm"])
                        if extra.get("class_lm") is not None else None)
        except (RuntimeError, KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(f"{path} does not rebuild its classifier: "
                                  f"{first_line(exc)}") from None
        if not isinstance(model, SequenceClassifier):
            raise CheckpointError(f"{path} holds a {type(model).__name__}, not a classifier")
        try:
            return cls(model.to(resolve_device(device)), vocab, labels, level,
                       class_lm=class_lm)
        except ConfigError as exc:
            raise CheckpointError(f"{path}: {exc}") from None

    def probabilities(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """p(class | text), shape (len(texts), classes), rows in the order of ``texts``."""
        return np.exp(self.log_probs(texts, progress))

    @torch.no_grad()
    def log_probs(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """log p(class | text) (float64), the class LMs' scores fed in where the model reads
        them."""
        if not texts:
            return np.zeros((0, len(self.labels)))
        ids = encode_texts(texts, self.vocab, self.level)
        device = next(self.model.parameters()).device
        lm = None if self.class_lm is None else self.class_lm.log_posterior(texts)
        batches = LabelledBatches(ids, np.zeros(len(ids), dtype=np.int64), self.batch_size,
                                  pad_index(self.vocab), sampling="sequential", features=lm)
        out = []
        with progress_bar(len(batches), "scoring", progress) as bar:
            for *inputs, _ in batches:
                logits = self.model(*(t.to(device) for t in inputs))
                out.append(torch.log_softmax(logits.double(), -1).cpu().numpy())
                bar.update(1)
        return np.concatenate(out)

    def predict(self, texts: Sequence[str], top: int = 1) -> list[list[tuple[str, float]]]:
        """The ``top`` most probable classes of each text with their probabilities."""
        require_int("top", top)
        probs = self.probabilities(texts)
        best = np.argsort(-probs, axis=1, kind="stable")[:, : min(top, len(self.labels))]
        return [[(self.labels.labels[j], float(p[j])) for j in row]
                for p, row in zip(probs, best, strict=True)]

    def evaluate(self, examples: Examples, progress: bool = False) -> ClassificationReport:
        """Accuracy, macro-F1, per-class figures and the confusion matrix on ``examples``;
        a label the model does not know is a DataError naming it."""
        if not len(examples):
            raise DataError(f"{examples.source} holds no examples to evaluate")
        y = self.labels.encode(examples.labels, where=examples.source)
        pred = self.probabilities(examples.texts, progress).argmax(axis=1)
        return classification_report(y, pred, self.labels.labels)

    def unseen(self, text: str) -> list[str]:
        """Characters (or words) of ``text`` never seen in training: read as ``<unk>``."""
        return unseen_tokens(text, self.vocab, self.level)

    def info(self) -> dict[str, Any]:
        lm = {"class_lm": 0 if self.class_lm is None else self.class_lm.order}
        return {"classes": len(self.labels), "vocab": len(self.vocab), "level": self.level,
                **self.model.config, **lm}


class Ensemble(Classifier):
    """Several classifiers over the same classes: p(class | text) is the mean of theirs
    (e.g. the same settings trained with different seeds)."""

    def __init__(self, members: Sequence[Classifier]) -> None:
        if not members:
            raise ConfigError("an ensemble needs at least one classifier")
        first = members[0]
        for m in members[1:]:
            if m.labels != first.labels or m.level != first.level:
                raise ConfigError("ensemble members must share their classes and level")
        self.members = list(members)
        self.model, self.vocab, self.labels, self.level = (first.model, first.vocab,
                                                           first.labels, first.level)
        self.batch_size = first.batch_size
        self.class_lm = None  # each member reads its own

    @classmethod
    def load_all(cls, paths: Sequence[str | os.PathLike[str]], device: str = "cpu"
                 ) -> Classifier:
        """One checkpoint: its classifier; several: their ensemble."""
        members = [Classifier.load(p, device) for p in paths]
        return members[0] if len(members) == 1 else cls(members)

    def probabilities(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        return np.mean([m.probabilities(texts, progress) for m in self.members], axis=0)

    def unseen(self, text: str) -> list[str]:
        return sorted(set().union(*(m.unseen(text) for m in self.members)))
