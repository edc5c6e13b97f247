"""The GPU path end to end (skipped cleanly without CUDA; bench/gpu_check.sh runs it on a GPU).

Every RNN kind trains on CUDA (fp32 and bf16 autocast) through ``seqlm rnn train``, every
scoring verb runs on CUDA, and the checkpoint written on the GPU scores the same on the CPU.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import torch

from seqlm.cli.main import main

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")

KINDS = ("rnn_scratch", "gru_scratch", "lstm_scratch", "rnn", "gru", "lstm")
TEXT = "\n".join(["the time traveller was speaking to us", "the fire burned brightly",
                  "we all looked at the time machine"] * 30)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("corpus") / "tiny.txt"
    p.write_text(TEXT, encoding="utf-8")
    return p


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_model_trains_and_scores_on_cuda_and_moves_to_cpu(
        corpus: Path, tmp_path: Path, kind: str, precision: str, capsys) -> None:
    out = tmp_path / "run"
    assert main(["rnn", "train", "--data", str(corpus), "--out", str(out), "--epochs", "2",
                 "--model", kind, "--hidden", "32", "--embed", "16", "--batch-size", "8",
                 "--num-steps", "10", "--optimizer", "adam", "--lr", "0.01", "--no-progress",
                 "--device", "cuda", "--precision", precision]) == 0
    ckpt = torch.load(out / "last.pt", weights_only=True, map_location="cpu")
    assert ckpt["format"] and ckpt["epoch"] == 2
    figures = {}
    for device in ("cuda", "cpu"):
        capsys.readouterr()
        assert main(["rnn", "eval", str(out / "last.pt"), "--data", str(corpus),
                     "--device", device]) == 0
        figures[device] = capsys.readouterr().out
        assert main(["rnn", "score", str(out / "best.pt"), "the fire", "--full",
                     "--device", device]) == 0
        assert main(["rnn", "compare", str(out / "best.pt"), "the fire", "fire the",
                     "--device", device]) == 0
        assert main(["rnn", "generate", str(out / "best.pt"), "--prefix", "the ", "-n", "20",
                     "--device", device]) == 0
    ppl = [float(re.search(r"perplexity\s+([0-9.]+)", f).group(1))  # type: ignore[union-attr]
           for f in figures.values()]
    assert math.isfinite(ppl[0]) and ppl[0] == pytest.approx(ppl[1], rel=1e-3)  # GPU == CPU


def test_resume_a_gpu_run_on_the_cpu(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    base = ["rnn", "train", "--data", str(corpus), "--out", str(out), "--model", "lstm",
            "--hidden", "32", "--batch-size", "8", "--num-steps", "10", "--no-progress"]
    assert main([*base, "--epochs", "1", "--device", "cuda"]) == 0
    assert main(["rnn", "train", "--out", str(out), "--resume", "--epochs", "2",
                 "--device", "cpu", "--no-progress"]) == 0
    assert torch.load(out / "last.pt", weights_only=True)["epoch"] == 2


def test_series_models_train_on_cuda_and_load_on_cpu(tmp_path: Path) -> None:
    assert main(["series", "fit", "synthetic", "--model", "latent", "--epochs", "2",
                 "--device", "cuda", "--out", str(tmp_path / "g.pt")]) == 0
    assert main(["series", "predict", str(tmp_path / "g.pt"), "--mode", "k-step", "--ks", "4",
                 "--out", str(tmp_path / "p.csv")]) == 0
