"""Train a tagger with the one training loop, load it back, tag sentences with it."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from seqlm.apps.common.registry import MODELS
from seqlm.apps.tag.batches import Encoded, TagBatches, collate, encode
from seqlm.apps.tag.evaluate import TagScores, score_tags
from seqlm.apps.tag.model import Tagger, TaggerConfig
from seqlm.apps.tag.sentences import Sentence
from seqlm.apps.tag.task import TaggingTask
from seqlm.apps.tag.vocab import TagVocabs
from seqlm.errors import DataError, first_line
from seqlm.progress import progress_bar
from seqlm.train import CheckpointError, Trainer, TrainResult, load_checkpoint
from seqlm.train.average import load_averaged
from seqlm.train.config import TrainConfig, resolve_device

EVAL_BATCH = 256


@dataclass
class TagData:
    """Vocabularies built on the training sentences and both sets encoded with them."""

    vocabs: TagVocabs
    train: list[Encoded]
    valid: list[Encoded] | None


def tag_data(train: Sequence[Sentence], valid: Sequence[Sentence] | None = None,
             min_freq: int = 1, vocabs: TagVocabs | None = None) -> TagData:
    """Build (or reuse) the vocabularies and encode; an unknown tag in ``valid`` is an error."""
    if not train:
        raise DataError("no training sentences")
    valid_tags = [t for s in valid or () for t in s.tags]
    vocabs = vocabs or TagVocabs.build(train, min_freq, valid_tags)
    enc_valid = encode(valid, vocabs, origin="the validation data") if valid else None
    return TagData(vocabs, encode(train, vocabs, origin="the training data"), enc_valid)


def build_tagger(model_settings: dict[str, Any], vocabs: TagVocabs) -> Tagger:
    """A fresh tagger: the given sizes plus the vocabularies' sizes and word counts."""
    cfg = TaggerConfig(num_words=len(vocabs.words), num_chars=len(vocabs.chars),
                       num_tags=len(vocabs.tags), **model_settings)
    return Tagger(cfg, vocabs.word_counts())


def make_tag_trainer(model: Tagger, data: TagData, cfg: TrainConfig, batch_size: int = 32,
                     seed: int = 0, out: str | os.PathLike[str] | None = None,
                     extra: dict[str, Any] | None = None, **kwargs: Any) -> Trainer:
    """A Trainer over shuffled sentence batches, validating on the whole validation set."""
    loader = TagBatches(data.train, data.vocabs, batch_size, shuffle=True, seed=seed)
    valid = (TagBatches(data.valid, data.vocabs, EVAL_BATCH, shuffle=False)
             if data.valid else None)
    info = {"batch_size": batch_size, "seed": seed, **(extra or {})}
    return Trainer(model, TaggingTask(), loader, valid, cfg, out=out,
                   vocab=data.vocabs.to_dict(), extra=info, **kwargs)


def train_tagger(model_settings: dict[str, Any], data: TagData, cfg: TrainConfig,
                 resume: str | os.PathLike[str] | None = None,
                 init: Callable[[Tagger], Any] | None = None, **kwargs: Any
                 ) -> tuple[Tagger, TrainResult]:
    """Build, optionally initialise (``init(model)``, e.g. from an LM), train; returns the
    model (with the averaged weights when ``cfg.ema_decay``) and the TrainResult."""
    model = build_tagger(model_settings, data.vocabs)
    if init is not None and resume is None:
        init(model)
    trainer = make_tag_trainer(model, data, cfg, **kwargs)
    result = trainer.fit(resume)
    if trainer.average is not None:
        trainer.average.copy_to(trainer.model)
    return trainer.model, result  # type: ignore[return-value]


def load_tagger(path: str | os.PathLike[str], device: str = "cpu"
                ) -> tuple[Tagger, TagVocabs, dict[str, Any]]:
    """(tagger in eval mode, vocabularies, checkpoint) from a ``seqlm tag train`` checkpoint."""
    dev = resolve_device(device)
    ckpt = load_checkpoint(path, map_location=dev)
    conf = ckpt.get("model_config")
    if not isinstance(conf, dict) or conf.get("kind") != "tagger":
        raise CheckpointError(f"{path} is a seqlm checkpoint but not of a tagger")
    try:
        vocabs = TagVocabs.from_dict(ckpt.get("vocab"))
        model = MODELS.build("tagger", TaggerConfig.from_dict(conf))
        model.load_state_dict(ckpt["model_state"])
        load_averaged(model, ckpt)
    except (RuntimeError, KeyError, ValueError, TypeError, DataError) as exc:
        raise CheckpointError(f"{path} does not rebuild its tagger: {first_line(exc)}") from None
    return model.to(dev).eval(), vocabs, ckpt


def predict(model: Tagger, vocabs: TagVocabs, sentences: Sequence[Sentence],
            batch_size: int = EVAL_BATCH, progress: bool = False) -> list[list[str]]:
    """The most probable tag of every word (argmax per token), sentence by sentence."""
    data = encode(sentences, vocabs, with_tags=False)
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    out: list[list[str]] = []
    steps = -(-len(data) // batch_size)
    with torch.no_grad(), progress_bar(steps, "tagging", progress) as bar:
        for i in range(0, len(data), batch_size):
            chunk = data[i:i + batch_size]
            batch = {k: v.to(device) for k, v in collate(chunk, vocabs).items()}
            best = model(batch).argmax(-1).cpu()
            out += [[vocabs.tags[int(t)] for t in best[j, :len(e.word_ids)]]
                    for j, e in enumerate(chunk)]
            bar.update(1)
    model.train(was_training)
    return out


def evaluate_tagger(model: Tagger, vocabs: TagVocabs, sentences: Sequence[Sentence],
                    origin: str = "the evaluation data", progress: bool = False) -> TagScores:
    """Accuracy, accuracy on words unseen in training (no word embedding of their own: their
    lower-cased form is not in the word vocabulary) and per-tag P/R/F1."""
    for s in sentences:
        vocabs.tag_ids(s.tags, origin)  # an unknown tag: DataError naming it
    pred = predict(model, vocabs, sentences, progress=progress)
    seen = set(vocabs.words.idx_to_token[2:])
    lowered = [[w.lower() for w in s.words] for s in sentences]
    return score_tags([s.tags for s in sentences], pred, lowered, seen)
