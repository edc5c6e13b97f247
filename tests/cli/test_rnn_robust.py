"""``seqlm rnn``: unbounded requests, NaN weights, unsafe or damaged checkpoints -> one line, 2."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from seqlm.cli.main import main
from tests.conftest import REPO

TEXT = "\n".join(["the time traveller was speaking to us", "the fire burned brightly"] * 40)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("robust")
    (folder / "tiny.txt").write_text(TEXT, encoding="utf-8")
    assert main(["rnn", "train", "--data", str(folder / "tiny.txt"), "--out", str(folder / "r"),
                 "--epochs", "1", "--hidden", "8", "--batch-size", "4", "--num-steps", "8",
                 "--no-progress", "--threads", "1"]) == 0
    return folder


def one_error_line(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    assert main(list(args)) == 2
    err = capsys.readouterr().err
    assert err.startswith("seqlm: error: ") and err.count("\n") == 1, err
    return err


def test_generate_refuses_an_unbounded_length(run: Path, capsys) -> None:
    ck = str(run / "r" / "best.pt")
    assert "--num" in one_error_line(capsys, "rnn", "generate", ck, "-n", str(2**63))
    one_error_line(capsys, "rnn", "generate", ck, "--top-p", "1.5")
    one_error_line(capsys, "rnn", "generate", ck, "--temperature", "nan")


@pytest.mark.parametrize("verb", [["generate", "--prefix", "the "], ["score", "the fire"],
                                  ["eval", "--data", "DATA"], ["compare", "a b", "b a"]])
def test_nan_weights_are_one_error_in_every_verb(run: Path, capsys, verb: list[str]) -> None:
    ckpt = torch.load(run / "r" / "best.pt", weights_only=True)
    name = next(k for k, v in ckpt["model_state"].items() if v.is_floating_point())
    ckpt["model_state"][name] = torch.full_like(ckpt["model_state"][name], float("nan"))
    bad = run / "nan.pt"
    torch.save(ckpt, bad)
    args = [a.replace("DATA", str(run / "tiny.txt")) for a in verb]
    err = one_error_line(capsys, "rnn", args[0], str(bad), *args[1:])
    assert "NaN or infinite weights" in err and name in err


def test_a_pickle_of_another_protocol_is_one_line_without_torch_warnings(tmp_path: Path) -> None:
    bad = tmp_path / "p4.pt"
    bad.write_bytes(pickle.dumps({"format": "seqlm.checkpoint/1", "x": {1, 2}}, protocol=4))
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    r = subprocess.run([sys.executable, "-m", "seqlm", "rnn", "score", str(bad), "a"],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert "not a plain-data checkpoint" in r.stderr and "Warning" not in r.stderr


def test_a_damaged_last_pt_is_one_error_on_resume(run: Path, capsys) -> None:
    ckpt = torch.load(run / "r" / "last.pt", weights_only=True)
    (run / "d").mkdir()
    for key, value in (("model_state", [1, 2]), ("epoch", "1"), ("rng", {"torch": 1})):
        torch.save({**ckpt, key: value}, run / "d" / "last.pt")
        err = one_error_line(capsys, "rnn", "train", "--out", str(run / "d"), "--resume",
                             "--no-progress")
        assert repr(key) in err or "rng" in err


def _train(run: Path, out: Path, *extra: str) -> int:
    return main(["rnn", "train", "--data", str(run / "tiny.txt"), "--out", str(out),
                 "--epochs", "1", "--hidden", "8", "--batch-size", "4", "--num-steps", "8",
                 "--no-progress", "--threads", "1", *extra])


def test_an_existing_run_is_kept_unless_resume_or_overwrite(run: Path, capsys) -> None:
    out = run / "again"
    assert _train(run, out) == 0
    before = (out / "last.pt").read_bytes()
    capsys.readouterr()
    assert _train(run, out) == 2
    assert "--overwrite" in capsys.readouterr().err
    assert (out / "last.pt").read_bytes() == before
    assert _train(run, out, "--overwrite", "--seed", "3") == 0
    assert (out / "last.pt").read_bytes() != before


def test_resume_applies_what_may_change_and_refuses_the_rest(run: Path, capsys) -> None:
    out = run / "res"
    assert _train(run, out) == 0
    err = one_error_line(capsys, "rnn", "train", "--out", str(out), "--resume", "--epochs", "2",
                         "--hidden", "32", "--clip", "0.5", "--no-progress")
    assert "--hidden (the run has 8)" in err and "--clip (the run has 1.0)" in err
    assert main(["rnn", "train", "--out", str(out), "--resume", "--epochs", "2", "--lr", "0.25",
                 "--hidden", "8", "--no-progress"]) == 0  # the same --hidden is fine
    ckpt = torch.load(out / "last.pt", weights_only=True)
    assert ckpt["epoch"] == 2 and ckpt["train_config"]["lr"] == 0.25
    assert ckpt["history"][-1]["lr"] == 0.25


def test_a_time_limit_mid_epoch_says_so_and_resume_continues_it(run: Path, capsys) -> None:
    out = run / "limit"
    capsys.readouterr()
    assert _train(run, out, "--time-limit", "1e-9") == 0
    said = capsys.readouterr().out
    assert "time limit reached in epoch 1 after 1 of " in said
    assert "batches (a partial epoch, not counted;" in said
    assert "--resume continues this epoch" in said
    ckpt = torch.load(out / "last.pt", weights_only=True)
    assert ckpt["epoch"] == 0 and ckpt["in_progress"]["batches_done"] == 1
    assert main(["rnn", "train", "--out", str(out), "--resume", "--time-limit", "0",
                 "--no-progress"]) == 0
    assert torch.load(out / "last.pt", weights_only=True)["epoch"] == 1


def test_the_limit_can_count_cpu_seconds(run: Path, capsys) -> None:
    out = run / "cpu-limit"
    assert _train(run, out, "--time-limit", "1e-9", "--clock", "cpu") == 0
    ckpt = torch.load(out / "last.pt", weights_only=True)
    assert ckpt["train_config"]["clock"] == "cpu" and ckpt["in_progress"]["batches_done"] == 1
    assert main(["rnn", "train", "--out", str(out), "--resume", "--time-limit", "0",
                 "--clock", "wall", "--no-progress"]) == 0  # how long may change on resume
    assert torch.load(out / "last.pt", weights_only=True)["train_config"]["clock"] == "wall"
    err = one_error_line(capsys, "rnn", "train", "--data", str(run / "tiny.txt"), "--out",
                         str(run / "moon"), "--clock", "moon")
    assert "unknown clock 'moon'" in err


@pytest.mark.parametrize("text,level", [("a\nb a\nb\n", "char"),
                                        ("one two three four five six\n\n\n", "word")])
def test_a_held_out_part_too_short_names_the_validation_text(tmp_path: Path, capsys,
                                                             text: str, level: str) -> None:
    """The end of a tiny text held out for validation has no tokens, or one: said as such,
    with the options that fix it (it was "nothing to score: the text has no tokens")."""
    (tmp_path / "short.txt").write_text(text, encoding="utf-8")
    err = one_error_line(capsys, "rnn", "train", "--data", str(tmp_path / "short.txt"),
                         "--out", str(tmp_path / "r"), "--epochs", "1", "--level", level)
    assert "validation text has fewer than two tokens" in err and "--valid-frac" in err
    assert not (tmp_path / "r" / "best.pt").exists()
