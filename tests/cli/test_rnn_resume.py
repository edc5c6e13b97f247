"""``rnn train --resume``: the options that may change apply, the others are refused by name."""

from __future__ import annotations

import pytest

from seqlm.cli.rnn_resume import resume_overrides
from seqlm.errors import ConfigError

RUN = {"data": "tiny.txt", "level": "char", "seed": 0, "batch_size": 4, "num_steps": 8,
       "model": "gru", "cell": {"num_hiddens": 16, "embed_size": None, "dropout": 0.0,
                                "num_layers": 1, "tie_weights": False},
       "train": {"clip": 1.0, "optimizer": "adam", "lr": 0.01, "anneal_factor": None,
                 "ema_decay": None, "time_limit_s": None},
       "distill": None}


def test_changeable_options_become_training_settings() -> None:
    got = resume_overrides(RUN, {"epochs": 5, "time_limit": 60.0, "lr": 0.002, "patience": 0,
                                 "device": "cpu", "progress": False, "log_interval": 10,
                                 "precision": "bf16", "out": "x", "resume": True, "threads": 1})
    assert got == {"epochs": 5, "time_limit_s": 60.0, "lr": 0.002, "early_stop_patience": None,
                   "device": "cpu", "progress": False, "log_interval": 10, "precision": "bf16"}


def test_the_same_values_as_the_run_are_accepted() -> None:
    same = {"data": "tiny.txt", "model": "gru", "hidden": 16, "embed": 0, "clip": 1.0,
            "optimizer": "adam", "anneal": 0.0, "ema": 0, "batch_size": 4, "distill": 0.0,
            "distill_order": 8}
    assert resume_overrides(RUN, same) == {}


def test_other_options_are_refused_by_name() -> None:
    with pytest.raises(ConfigError) as err:
        resume_overrides(RUN, {"hidden": 512, "clip": 0.25, "distill": 0.5, "epochs": 3,
                               "batch_size": 4})
    msg = str(err.value)
    assert "--hidden (the run has 16)" in msg and "--clip (the run has 1.0)" in msg
    assert "--distill (the run has 0)" in msg and "--epochs" not in msg
    assert "--batch-size" not in msg
