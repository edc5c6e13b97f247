"""How to add an RNN cell (docs/architecture.md): this file alone registers a new cell, and the
library, the checkpoints and the CLI take it with no edit anywhere else.

The toy cell is a diagonal RNN, H_t = tanh(X_t W_xh + H_{t-1} * w_hh + b_h): each hidden unit
feeds back only into itself (w_hh is a vector), checked here against a plain loop.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from seqlm.apps.lm import lm_data, load_lm, train_lm
from seqlm.cli.main import main
from seqlm.rnn import CELLS, KINDS, build_model, register_cell
from seqlm.rnn.scratch_base import ScratchModel
from seqlm.train import TrainConfig

TEXT = "\n".join(["the cat sat on the mat", "the dog sat on the log"] * 30)


@register_cell("diag_rnn")
class DiagonalRNN(ScratchModel):
    """H_t = tanh(X_t W_xh + H_{t-1} * w_hh + b_h), O_t = H_t W_hq + b_q."""

    def make_parameters(self) -> None:
        self.W_xh = nn.Parameter(torch.empty(self.in_features, self.num_hiddens))
        self.w_hh = nn.Parameter(torch.empty(self.num_hiddens))
        self.b_h = nn.Parameter(torch.empty(self.num_hiddens))

    def recur(self, X: torch.Tensor, H: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hiddens = []
        for XW_xh_t in self.project(X, self.W_xh, self.b_h):
            H = torch.tanh(XW_xh_t + H * self.w_hh)
            hiddens.append(H)
        return torch.stack(hiddens, dim=1), H


@pytest.fixture(scope="module", autouse=True)
def _registered() -> Iterator[None]:
    yield
    CELLS.unregister("diag_rnn")  # leave the registry as the other tests expect it


def test_registered_and_built_from_its_config() -> None:
    assert "diag_rnn" in KINDS
    m = build_model({"kind": "diag_rnn", "num_hiddens": 3, "vocab_size": 5})
    assert isinstance(m, DiagonalRNN) and m.config["kind"] == "diag_rnn"
    assert build_model(m.config).config == m.config  # the saved dict rebuilds it


def test_the_recurrence_is_the_formula() -> None:
    torch.manual_seed(0)
    m = DiagonalRNN(4, input_size=2).double()
    X = torch.randn(3, 5, 2, dtype=torch.float64)
    O, H_T = m(X)  # noqa: E741 (names as the equations)
    H = torch.zeros(3, 4, dtype=torch.float64)
    for t in range(5):  # an independent loop over the equation
        H = torch.tanh(X[:, t] @ m.W_xh + H * m.w_hh + m.b_h)
        torch.testing.assert_close(O[:, t], H @ m.W_hq + m.b_q)
    torch.testing.assert_close(H_T, H)


def test_fit_save_and_load(tmp_path: Path) -> None:
    torch.manual_seed(0)
    data = lm_data(TEXT, TEXT[-200:], "char")
    cfg = TrainConfig(epochs=3, optimizer="adam", lr=0.02, progress=False, device="cpu")
    lm, result = train_lm({"kind": "diag_rnn", "num_hiddens": 16}, data, cfg, batch_size=4,
                          num_steps=10, out=tmp_path)
    ppl = [row["train_ppl"] for row in result.history]
    assert ppl[-1] < ppl[0] < len(data.vocab) + 1  # it learns
    again, ckpt = load_lm(tmp_path / "last.pt")
    assert ckpt["model_config"]["kind"] == "diag_rnn"
    np.testing.assert_allclose(again.token_logprobs("the cat"), lm.token_logprobs("the cat"),
                               rtol=1e-6)


def test_the_cli_trains_resumes_and_scores_it(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus.txt"
    corpus.write_text(TEXT, encoding="utf-8")
    args = ["rnn", "train", "--data", str(corpus), "--model", "diag_rnn", "--hidden", "8",
            "--batch-size", "4", "--num-steps", "8", "--no-progress", "--threads", "1"]
    assert main([*args, "--out", str(tmp_path / "full"), "--epochs", "2"]) == 0
    assert main([*args, "--out", str(tmp_path / "cut"), "--epochs", "1"]) == 0
    assert main(["rnn", "train", "--out", str(tmp_path / "cut"), "--resume", "--epochs", "2",
                 "--no-progress"]) == 0

    def rows(p: Path) -> list[dict[str, str]]:
        with open(p / "epochs.csv", newline="") as fh:
            return [{k: v for k, v in r.items() if k not in ("seconds", "items_per_s")}
                    for r in csv.DictReader(fh)]

    assert rows(tmp_path / "cut") == rows(tmp_path / "full")  # exact resume
    capsys.readouterr()
    assert main(["rnn", "score", str(tmp_path / "full" / "last.pt"), "the cat"]) == 0
    assert float(capsys.readouterr().out.split("\t")[0]) < 0
