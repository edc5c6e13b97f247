"""Resume after a time limit (mid-epoch, exact), damaged checkpoints, leftovers, a new lr."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import torch

from seqlm.data import SeqDataLoader
from seqlm.train import LanguageModelTask, StreamBatches, TrainConfig, Trainer
from seqlm.train.checkpoint import load_checkpoint, save_checkpoint
from seqlm.train.errors import CheckpointError
from tests.train.tiny import TinyLM, corpus


def trainer(out: Path | None, **cfg: Any) -> Trainer:
    torch.manual_seed(0)
    train = SeqDataLoader(corpus(800), 4, 5, strategy="sequential", seed=0)
    config = TrainConfig(**{"epochs": 2, "lr": 0.5, "progress": False, **cfg})
    return Trainer(TinyLM(), LanguageModelTask(), train, StreamBatches(corpus(60), 2, 5),
                   config, out=out)


def test_a_time_limit_mid_epoch_is_not_an_epoch_and_resume_continues_it(tmp_path: Path) -> None:
    full = trainer(None)
    full.fit()
    first = trainer(tmp_path, time_limit_s=1e-9)  # stops after the first step
    res = first.fit()
    assert res.stopped == "time_limit" and res.history == []
    assert res.final["epoch"] == 0 and res.final["batches_done"] == 1 and res.final["partial"]
    assert res.final["batches_total"] == len(first.train_batches)  # type: ignore[arg-type]
    ckpt = load_checkpoint(tmp_path / "last.pt")
    assert ckpt["in_progress"]["batches_done"] == 1 and ckpt["epoch"] == 0
    again = trainer(tmp_path)
    res2 = again.fit(resume=tmp_path / "last.pt")
    assert [r["epoch"] for r in res2.history] == [1, 2]
    for a, b in zip(again.model.parameters(), full.model.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)  # exactly the uninterrupted run
    assert res2.history[-1]["valid_loss"] == full.history[-1]["valid_loss"]


def test_a_requested_epoch_end_counts_the_cut_epoch(tmp_path: Path) -> None:
    """What a fixed budget (the tagger's CPU budget) asks for: the epoch ends at this step as
    a whole one, evaluated and checkpointed, nothing left to resume."""
    t = trainer(tmp_path, epochs=5)
    t.on_step = lambda tr, step: tr.request_epoch_end() if step == 3 else None
    res = t.fit()
    assert res.stopped == "time_limit" and len(res.history) == 1
    assert res.history[0]["step"] == 3 and res.final is not None and "partial" not in res.final
    ckpt = load_checkpoint(tmp_path / "last.pt")
    assert ckpt["epoch"] == 1 and ckpt["in_progress"] is None
    assert (tmp_path / "best.pt").is_file()


def test_a_time_limit_on_the_last_batch_ends_a_whole_epoch(tmp_path: Path) -> None:
    t = trainer(None, time_limit_s=3600.0)
    last = len(t.train_batches)  # type: ignore[arg-type]
    t.on_step = lambda tr, step: setattr(tr.cfg, "time_limit_s", 1e-9) if step == last else None
    res = t.fit()
    assert res.stopped == "time_limit" and len(res.history) == 1 and res.history[0]["step"] == last


def test_a_cpu_clock_does_not_count_waiting(tmp_path: Path) -> None:
    """clock="cpu": the limit counts this process's CPU seconds, so a step that sleeps (as on
    a machine busy with other work) spends wall time but not the budget."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # no OpenMP worker spinning while the hook sleeps
    try:
        start = time.process_time()
        trainer(None, epochs=1).fit()  # this machine's CPU cost of the epoch, unslept
        limit = 5 * (time.process_time() - start) + 0.1
        n = len(trainer(None).train_batches)  # type: ignore[arg-type]
        nap = 2 * limit / n  # the epoch sleeps twice the limit in all

        def wait(tr: Trainer, step: int) -> None:
            time.sleep(nap)

        ran = {}
        for clock in ("wall", "cpu"):
            t = trainer(None, epochs=1, time_limit_s=limit, clock=clock)
            t.on_step = wait
            ran[clock] = t.fit()
    finally:
        torch.set_num_threads(threads)
    assert ran["wall"].stopped == "time_limit" and ran["wall"].final["partial"]
    assert ran["wall"].final["batches_done"] <= n // 2 + 1  # the limit is half the sleeps
    assert ran["cpu"].stopped == "completed" and len(ran["cpu"].history) == 1


@pytest.mark.parametrize(("key", "value", "says"), [
    ("model_state", "not a dict", "'model_state' is str"),
    ("epoch", "3", "'epoch' is str"),
    ("epoch", True, "'epoch' is bool"),
    ("step", -1, "negative epoch or step"),
    ("history", None, "'history' is NoneType"),
    ("rng", {"numpy": [], "torch": torch.zeros(3)}, "no 'python' part"),
    ("rng", {"python": [3, [1, 2], None], "numpy": [1], "torch": torch.zeros(3)}, "damaged"),
    ("optimizer_state", {"state": {}, "param_groups": "x"}, "does not fit this model"),
])
def test_a_damaged_checkpoint_is_one_error_naming_what(tmp_path: Path, key: str, value: Any,
                                                       says: str) -> None:
    t = trainer(tmp_path, epochs=1)
    t.fit()
    ckpt = load_checkpoint(tmp_path / "last.pt")
    ckpt.pop("format")
    save_checkpoint(tmp_path / "last.pt", {**ckpt, key: value})
    with pytest.raises(CheckpointError, match=says) as err:
        trainer(tmp_path).fit(resume=tmp_path / "last.pt")
    assert "\n" not in str(err.value)


def test_leftovers_of_a_killed_write_are_removed_on_the_next_run(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    left = [tmp_path / ".last.pt.k3j2_x.pt", tmp_path / ".epochs.csv.abc.tmp"]
    keep = tmp_path / "notes.txt"
    for p in [*left, keep]:
        p.write_text("x")
    trainer(tmp_path, epochs=1).fit()
    assert not any(p.exists() for p in left) and keep.exists()


def test_a_new_learning_rate_applies_on_resume(tmp_path: Path) -> None:
    trainer(tmp_path, epochs=1).fit()
    t = trainer(tmp_path, lr=0.05)
    t.fit(resume=tmp_path / "last.pt")
    assert t.history[-1]["lr"] == 0.05
    same = trainer(tmp_path / "b", epochs=1, lr=0.5, anneal_factor=0.5)
    same.fit()
    same.optimizer.param_groups[0]["lr"] = 0.125  # annealed in the saved run
    save_checkpoint(tmp_path / "b" / "last.pt", same.payload())
    u = trainer(tmp_path / "b", lr=0.5, anneal_factor=0.5)  # lr unchanged: the annealed one stays
    u.fit(resume=tmp_path / "b" / "last.pt")
    assert u.history[-1]["lr"] == 0.125
