"""Training a classifier with the one training loop: examples -> split -> vocabulary, label map
-> padded batches -> :class:`SequenceClassifier` trained on :class:`LabelTask` by
:class:`seqlm.train.Trainer` (clipping, checkpoints ``best.pt``/``last.pt``, exact resume).

Every setting lives in one typed :class:`ClassifySettings` (saved in the checkpoints), so a
resumed run and ``eval --split test`` rebuild exactly the same data.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from seqlm.apps.classify.class_lm import ClassLM, default_order, out_of_fold
from seqlm.apps.classify.data import Examples, read_examples
from seqlm.apps.classify.model import ClassifierConfig, ModelOptions, SequenceClassifier
from seqlm.apps.classify.split import stratified_split
from seqlm.apps.common import (
    LabelledBatches,
    LabelMap,
    LabelTask,
    build_vocab,
    class_weights,
    classification_report,
    encode_texts,
    pad_index,
)
from seqlm.data import Vocab
from seqlm.errors import ConfigError, DataError, require_int
from seqlm.registry import config_to_dict, make_config

SPLITS = ("train", "valid", "test")
# classify's training defaults (TrainConfig's own are the book's SGD for language models):
# AdamW, the rate halved when the validation loss stalls, early stop after 4 bad epochs,
# validation and the saved model on a moving average of the weights (decay 0.998)
TRAIN_DEFAULTS: dict[str, Any] = {"epochs": 40, "optimizer": "adamw", "lr": 3e-3, "clip": 1.0,
                                  "weight_decay": 0.01, "anneal_factor": 0.5,
                                  "anneal_patience": 1, "early_stop_patience": 4,
                                  "ema_decay": 0.998}


def train_config(**overrides: Any) -> Any:
    """A :class:`seqlm.train.TrainConfig` with classify's defaults and ``overrides``."""
    from seqlm.train import TrainConfig

    return TrainConfig.from_dict({**TRAIN_DEFAULTS, **overrides})


@dataclass
class ClassifySettings:
    """Data, batching, loss and transfer settings of one run (``--config`` TOML keys).

    ``valid``: a file of validation examples, else ``valid_frac``/``test_frac`` of ``data``
    are held out (stratified, seeded by ``split_seed``; ``group_duplicates`` keeps every copy of
    a (text, label) pair on one side). ``label_frac`` < 1 keeps only that stratified fraction
    of the training labels (the few-label transfer experiment). ``class_weight``: the power p
    of w_c ~ n_c^-p (0 = unweighted, 1 = balanced); ``sampling``: shuffle or balanced.
    ``class_lm``: the order of the per-class n-gram LMs whose log-posteriors the network reads
    (class_lm.py; None = 4 over characters, 2 over words; 0 = none).
    """

    def class_lm_order(self) -> int:
        """The class LMs' order this run uses (0: none)."""
        return default_order(self.level) if self.class_lm is None else self.class_lm

    data: str = ""
    valid: str | None = None
    valid_frac: float = 0.1
    test_frac: float = 0.1
    split_seed: int = 0
    group_duplicates: bool = False
    label_frac: float = 1.0
    level: str = "char"
    min_freq: int = 1
    seed: int = 0
    batch_size: int = 64
    bucket: int = 20
    sampling: str = "shuffle"
    class_weight: float = 0.0
    label_smoothing: float = 0.0
    init_from: str | None = None
    init_from_backward: str | None = None
    discriminative: float = 1.0
    gradual_unfreeze: bool = False
    class_lm: int | None = None
    model: ModelOptions = field(default_factory=ModelOptions)

    def __post_init__(self) -> None:
        if self.class_lm is not None and require_int("class_lm", self.class_lm, 0) > 10:
            raise ConfigError(f"class_lm must be an order in 0..10 (0 = off), "
                              f"got {self.class_lm!r}")
        if not 0.0 < self.label_frac <= 1.0:
            raise ConfigError(f"label fraction must be in (0, 1], got {self.label_frac!r}")
        if self.discriminative < 1.0:
            raise ConfigError(f"discriminative factor must be >= 1, got {self.discriminative!r}")

    def to_dict(self) -> dict[str, Any]:
        return config_to_dict(self)

    @classmethod
    def from_dict(cls, d: Any, **overrides: Any) -> ClassifySettings:
        return make_config(cls, d, **overrides)


@dataclass
class ClassifyData:
    """The examples of each part, the vocabulary and the label map built on the training part;
    with class LMs, their log-posteriors of each part (out of fold for the training part)."""

    parts: dict[str, Examples]
    vocab: Vocab
    labels: LabelMap
    level: str = "char"
    class_lm: ClassLM | None = None
    lm_logp: dict[str, np.ndarray] = field(default_factory=dict)

    def batches(self, part: str, batch_size: int = 256, **kw: Any) -> LabelledBatches:
        """Padded batches of one part (in file order unless ``sampling`` says otherwise)."""
        ex = self.parts[part]
        y = self.labels.encode(ex.labels, where=f"the {part} data ({ex.source})")
        features = None
        if self.class_lm is not None:
            if part not in self.lm_logp:
                self.lm_logp[part] = self.class_lm.log_posterior(ex.texts)
            features = self.lm_logp[part]
        return LabelledBatches(encode_texts(ex.texts, self.vocab, self.level), y, batch_size,
                               pad_index(self.vocab), features=features,
                               **{"sampling": "sequential", **kw})


def split_examples(s: ClassifySettings) -> dict[str, Examples]:
    """train / valid / test parts of ``s.data`` (test empty when ``s.valid`` is a file)."""
    if not s.data:
        raise ConfigError("no training data: give --data (a TSV, a folder or 'names')")
    data = read_examples(s.data)
    if s.valid:
        parts = {"train": data, "valid": read_examples(s.valid),
                 "test": Examples([], [], s.data)}
    else:
        y = LabelMap(data.labels).encode(data.labels)
        groups = data.texts if s.group_duplicates else None
        tr, va, te = stratified_split(y, s.valid_frac, s.test_frac, s.split_seed, groups)
        parts = {"train": data.subset(tr), "valid": data.subset(va), "test": data.subset(te)}
    if s.label_frac < 1.0:
        train = parts["train"]
        y = LabelMap(train.labels).encode(train.labels)
        keep, _, _ = stratified_split(y, 0.0, 1.0 - s.label_frac, s.split_seed + 1)
        parts["train"] = train.subset(keep)
    if not len(parts["valid"]):
        raise DataError("the validation part is empty: raise --valid-frac or give --valid")
    return parts


def prepare(s: ClassifySettings) -> ClassifyData:
    """Read and split the data; build the vocabulary and label map on the training part."""
    parts = split_examples(s)
    train = parts["train"]
    if len(set(train.labels)) < 2:
        raise DataError(f"the training data of {train.source} has fewer than two labels")
    labels = LabelMap(train.labels)
    labels.encode(parts["valid"].labels, where=f"the validation data ({parts['valid'].source})")
    vocab = build_vocab(train.texts, s.level, s.min_freq)
    data = ClassifyData(parts, vocab, labels, s.level)
    order = s.class_lm_order()
    if order:  # the LMs of all training texts; out-of-fold scores for the training part
        data.class_lm = ClassLM(order, s.level).fit(train.texts, train.labels, labels.labels)
        data.lm_logp["train"] = out_of_fold(train.texts, train.labels, labels.labels, order,
                                            s.level, seed=s.seed)
    return data


def build_model(s: ClassifySettings, data: ClassifyData) -> SequenceClassifier:
    """The classifier for these settings and data (optionally started from LM checkpoints)."""
    from seqlm.apps.common import init_from_lm

    cfg = ClassifierConfig(vocab_size=len(data.vocab), num_classes=len(data.labels),
                           lm_input=data.class_lm is not None, **config_to_dict(s.model))
    model = SequenceClassifier(cfg)
    for path, direction in ((s.init_from, "forward"), (s.init_from_backward, "backward")):
        if path:
            model.transfer[direction] = init_from_lm(model.encoder, path, data.vocab, direction)
    return model


def make_trainer(s: ClassifySettings, data: ClassifyData, model: SequenceClassifier,
                 train_config: Any, out: str | os.PathLike[str] | None = None,
                 on_epoch: Callable[[dict[str, Any]], None] | None = None,
                 on_step: Callable[[Any, int], None] | None = None) -> Any:
    """A :class:`seqlm.train.Trainer` over the padded batches, checkpoints carrying settings,
    vocabulary and label map; ULMFiT's discriminative rates when ``s.discriminative`` > 1."""
    from seqlm.apps.common.finetune import discriminative_groups
    from seqlm.train import Trainer, make_optimizer

    train = data.batches("train", s.batch_size, sampling=s.sampling, seed=s.seed,
                         bucket=s.bucket)
    valid = data.batches("valid")
    y_train = np.asarray(train.labels)
    weight = class_weights(y_train, len(data.labels), s.class_weight) if s.class_weight else None
    task = LabelTask(weight, label_smoothing=s.label_smoothing)
    extra = {"task": "classify", "settings": s.to_dict(), "labels": data.labels.to_dict(),
             **({"class_lm": data.class_lm.to_state()} if data.class_lm is not None else {})}
    trainer = Trainer(model, task, train, valid, train_config, out=out,
                      vocab=data.vocab.to_dict(), extra=extra, on_epoch=on_epoch,
                      on_step=on_step)
    if s.discriminative > 1.0:
        groups = discriminative_groups(trainer.model, train_config.lr, s.discriminative)
        trainer.optimizer = make_optimizer(groups, train_config)  # type: ignore[arg-type]
    return trainer


def fit_classifier(s: ClassifySettings, train_config: Any, out: str | os.PathLike[str] | None,
                   resume: str | os.PathLike[str] | None = None,
                   on_epoch: Callable[[dict[str, Any]], None] | None = None,
                   announce: Callable[[str], None] | None = None,
                   cpu_limit: float | None = None,
                   ) -> tuple[SequenceClassifier, ClassifyData, Any]:
    """Prepare the data, build and train the model; returns (model, data, TrainResult).

    ``on_epoch`` gets each epoch's row plus the validation ``accuracy`` and ``macro_f1``;
    ``announce`` a few lines about the data and the transfer. With ``s.gradual_unfreeze``
    only the head trains in the first epoch, each later epoch unfreezes the next layer group
    down (re-applied from the epoch count on resume). ``cpu_limit``: stop (as Ctrl-C does:
    ``last.pt`` resumable, ``best.pt`` the best completed epoch) once this process has used
    that many CPU seconds since training began -- a budget a loaded machine cannot shrink.
    """
    import torch

    from seqlm.apps.common.finetune import unfreeze
    from seqlm.train import load_checkpoint

    data = prepare(s)
    torch.manual_seed(s.seed)  # the model's initial weights follow the settings' seed
    model = build_model(s, data)
    if announce is not None:
        for line in describe(data, model):
            announce(line)
    start = int(load_checkpoint(resume)["epoch"]) if resume else 0
    if s.gradual_unfreeze:
        unfreeze(model, start)
    valid = data.batches("valid")
    y_valid = np.asarray(valid.labels)

    def hook(row: dict[str, Any]) -> None:
        if s.gradual_unfreeze:
            unfreeze(model, int(row["epoch"]))
        if on_epoch is not None:
            report = classification_report(y_valid, predict_ids(model, valid),
                                           data.labels.labels)
            on_epoch({**row, "accuracy": report.accuracy, "macro_f1": report.macro_f1})

    trainer = make_trainer(s, data, model, train_config, out, hook,
                           cpu_budget(cpu_limit) if cpu_limit else None)
    result = trainer.fit(resume)
    return model, data, result


def cpu_budget(seconds: float) -> Callable[[Any, int], None]:
    """An ``on_step`` hook asking the trainer to stop after ``seconds`` of process CPU time."""
    start = time.process_time()

    def check(trainer: Any, step: int) -> None:
        if time.process_time() - start > seconds:
            trainer.request_stop()

    return check


def describe(data: ClassifyData, model: SequenceClassifier) -> list[str]:
    """What a run trains on, in a few lines."""
    sizes = ", ".join(f"{k} {len(v):,}" for k, v in data.parts.items() if len(v))
    lines = [f"{sizes} examples; {len(data.labels)} classes; {len(data.vocab)} tokens "
             f"({data.level}); model {model.cfg.kind} x{model.cfg.num_layers}"
             f"{' bidirectional' if model.cfg.bidirectional else ''}, hidden "
             f"{model.cfg.num_hiddens}, pool {model.cfg.pool}"]
    lines += [f"{d} direction from the LM: {t.summary()}" for d, t in model.transfer.items()]
    return lines


def predict_ids(model: SequenceClassifier, batches: LabelledBatches) -> np.ndarray:
    """The most probable class of every example of ``batches``, in their order."""
    import torch

    was = model.training
    model.eval()
    device = next(model.parameters()).device
    with torch.no_grad():
        out = [model(*(t.to(device) for t in inputs)).argmax(-1).cpu().numpy()
               for *inputs, _ in batches]
    model.train(was)
    return np.concatenate(out)


def eval_examples(checkpoint: str | os.PathLike[str], data: str | None,
                  split: str | None) -> Examples:
    """The examples ``eval`` scores: a part of the run's own split (``split``, rebuilt from
    the checkpoint's settings, on ``data`` if given), or all of ``data``."""
    if split is None:
        if data is None:
            raise ConfigError("give --data (examples to score) or --split (train, valid, test)")
        return read_examples(data)
    if split not in SPLITS:
        raise ConfigError(f"unknown split {split!r}; use {', '.join(SPLITS)}")
    from seqlm.train import load_checkpoint

    extra = load_checkpoint(checkpoint).get("extra") or {}
    if "settings" not in extra:
        raise ConfigError(f"{checkpoint} has no run settings to rebuild a split from")
    s = ClassifySettings.from_dict(extra["settings"], **({"data": data} if data else {}))
    part = split_examples(s)[split]
    if not len(part):
        raise DataError(f"the run has no {split} part (it was given --valid: pass --data)")
    part.source = f"{s.data} ({split} part)"
    return part
