"""Language-model training on top of the generic loop: id streams -> trained RNNLM.

Glue shared by ``seqlm rnn train`` (:mod:`seqlm.apps.lm.run`), the demo and the benches.
Checkpoints carry everything needed to rebuild the scorer: model config, vocabulary, level.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from seqlm.apps.lm.data import LMData, level_settings
from seqlm.apps.lm.teacher import Distillation, TeacherBatches
from seqlm.data import SeqDataLoader, Vocab
from seqlm.data.conventions import BOS
from seqlm.errors import first_line
from seqlm.rnn import RNNLM, build_model
from seqlm.train.average import load_averaged
from seqlm.train.batches import StreamBatches
from seqlm.train.checkpoint import load_checkpoint
from seqlm.train.config import TrainConfig, resolve_device
from seqlm.train.errors import CheckpointError
from seqlm.train.tasks import LanguageModelTask
from seqlm.train.trainer import Trainer, TrainResult, evaluate


def make_trainer(model: Any, data: LMData, cfg: TrainConfig, batch_size: int = 32,
                 num_steps: int = 35, batching: str = "sequential", seed: int = 0,
                 out: str | os.PathLike[str] | None = None, eval_batch_size: int = 10,
                 extra: dict[str, Any] | None = None, distill: Distillation | None = None,
                 teacher: np.ndarray | None = None, **kwargs: Any) -> Trainer:
    """A Trainer for next-token prediction with the book's loader and deterministic validation.

    With ``distill`` the labels are mixed with a cross-fitted n-gram teacher's distributions
    (``teacher``, built here unless given: see :mod:`seqlm.apps.lm.teacher`).
    """
    loader: SeqDataLoader | TeacherBatches
    if distill is None:
        loader = SeqDataLoader(data.train_ids, batch_size, num_steps,
                               strategy=batching, seed=seed)  # type: ignore[arg-type]
    else:
        if teacher is None:
            teacher = distill.teacher(data.train_ids, data.vocab, progress=cfg.progress)
        loader = TeacherBatches(data.train_ids, teacher, batch_size, num_steps, distill.alpha,
                                distill.decay, strategy=batching, seed=seed)
    valid = None
    if data.valid_ids is not None:
        rows = max(1, min(eval_batch_size, (len(data.valid_ids) - 1) // max(num_steps, 1)))
        valid = StreamBatches(data.valid_ids, rows, num_steps)
    info = {"level": data.level, "mode": data.mode, "tokenizer": data.tokenizer,
            "batch_size": batch_size, "num_steps": num_steps, "batching": batching,
            "seed": seed, "distill": distill.to_dict() if distill else None, **(extra or {})}
    return Trainer(model, lm_task(data), loader, valid, cfg, out=out,
                   vocab=data.vocab.to_dict(), extra=info, **kwargs)


def lm_task(data: LMData) -> LanguageModelTask:
    """Next-token loss; in sentence mode ``<s>`` is context only, never a counted prediction.

    (After ``</s>`` the next token is always ``<s>``: counting those free predictions would
    deflate the perplexity below the sentence-mode convention the scorers use.)
    """
    if data.mode == "sentence":
        return LanguageModelTask(ignore_index=data.vocab[BOS])
    return LanguageModelTask()


def running_perplexity(model: Any, data: LMData, ids: np.ndarray, num_steps: int = 35,
                       device: str = "cpu") -> float:
    """Perplexity of ``ids`` read as one running text, the state carried across sentences.

    The literature's PTB figures (Zaremba et al., word_language_model) are of this kind;
    sentence-mode scoring (``RNNLM.perplexity``) restarts every sentence from a zero state.
    """
    mean, _ = evaluate(model, lm_task(data), StreamBatches(ids, 1, num_steps), device)
    return math.exp(mean)


def train_lm(model_config: dict[str, Any], data: LMData, cfg: TrainConfig,
             resume: str | os.PathLike[str] | None = None, **kwargs: Any
             ) -> tuple[Any, TrainResult]:
    """Build the model from its config, train it; returns (RNNLM, TrainResult).

    With ``cfg.ema_decay`` the returned model holds the averaged weights.
    """
    config = {**model_config, "vocab_size": len(data.vocab)}
    model = build_model(config)
    trainer = make_trainer(model, data, cfg, **kwargs)
    result = trainer.fit(resume)
    if trainer.average is not None:
        trainer.average.copy_to(trainer.model)
    lm = RNNLM(trainer.model, data.vocab, mode=data.mode,  # type: ignore[arg-type]
               tokenizer=data.tokenizer)
    return lm, result


def load_lm(path: str | os.PathLike[str], device: str = "cpu") -> tuple[Any, dict[str, Any]]:
    """(RNNLM, checkpoint dict) from a checkpoint written by :func:`train_lm`.

    The model is on ``device`` and holds the averaged weights if the run kept an average
    (``ema_decay``); ``checkpoint["extra"]["preset"]`` is the text normalisation the model was
    trained with (apply it to text before scoring).
    """
    dev = resolve_device(device)
    ckpt = load_checkpoint(path, map_location=dev)
    extra, vocab = ckpt.get("extra") or {}, ckpt.get("vocab")
    if not ckpt.get("model_config") or vocab is None or "level" not in extra:
        raise CheckpointError(f"{path} is a seqlm checkpoint but not of a language model")
    try:
        model = build_model(dict(ckpt["model_config"]))
        model.load_state_dict(ckpt["model_state"])
        load_averaged(model, ckpt)
        voc = Vocab.from_dict(vocab)
    except (RuntimeError, KeyError, ValueError, TypeError) as exc:
        raise CheckpointError(f"{path} does not rebuild its model: {first_line(exc)}") from None
    mode, tok = level_settings(extra["level"])
    lm = RNNLM(model.to(dev), voc, mode=mode, tokenizer=tok)  # type: ignore[arg-type]
    return lm, ckpt


def checkpoint_path(out: str | os.PathLike[str]) -> Path:
    """``out/last.pt``, the checkpoint ``--resume`` continues from."""
    return Path(out) / "last.pt"
