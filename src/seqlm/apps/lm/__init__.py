"""Language modelling as an application: train an RNN LM on a text (with an optional n-gram
teacher), reload it for scoring and generation. ``seqlm rnn train`` is :func:`train_run`."""

from seqlm.apps.lm.data import LMData, level_settings, lm_data, read_texts, split_text
from seqlm.apps.lm.run import LMRunConfig, resume_config, train_run
from seqlm.apps.lm.teacher import Distillation, TeacherBatches, ngram_teacher
from seqlm.apps.lm.train import (
    checkpoint_path,
    lm_task,
    load_lm,
    make_trainer,
    running_perplexity,
    train_lm,
)

__all__ = [
    "Distillation",
    "LMData",
    "LMRunConfig",
    "TeacherBatches",
    "checkpoint_path",
    "level_settings",
    "lm_data",
    "lm_task",
    "load_lm",
    "make_trainer",
    "ngram_teacher",
    "read_texts",
    "resume_config",
    "running_perplexity",
    "split_text",
    "train_lm",
    "train_run",
]
