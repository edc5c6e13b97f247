"""``seqlm tag train | eval | predict``: the command shape of ``seqlm rnn train``, and every bad
input as one line ``seqlm: error: ...`` with exit code 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from seqlm.cli.main import main
from tests.apps.tag.toy import toy_sentences


def _write_tsv(path: Path, n: int, seed: int) -> Path:
    lines = []
    for s in toy_sentences(n, seed=seed):
        lines += [f"{w}\t{t}" for w, t in zip(s.words, s.tags, strict=True)] + [""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("tag")
    _write_tsv(d / "train.tsv", 40, 0)
    _write_tsv(d / "valid.tsv", 8, 1)
    assert main(["tag", "train", "--data", str(d / "train.tsv"), "--valid",
                 str(d / "valid.tsv"), "--out", str(d / "run"), "--epochs", "2", "--hidden",
                 "12", "--layers", "1", "--char-hidden", "8", "--word-embed", "8",
                 "--batch-size", "8", "--lr", "0.02", "--no-progress", "--threads", "1"]) == 0
    return d


def test_train_writes_both_checkpoints_and_resumes(run: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert (run / "run" / "best.pt").is_file() and (run / "run" / "last.pt").is_file()
    capsys.readouterr()
    assert main(["tag", "train", "--out", str(run / "run"), "--resume", "--epochs", "3",
                 "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "epoch   3" in out and "epoch   1" not in out


def test_eval_prints_accuracy_unseen_and_per_tag_f1(run: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["tag", "eval", str(run / "run" / "best.pt"), "--data",
                 str(run / "valid.tsv")]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "unseen words" in out and "VERB" in out
    assert main(["tag", "eval", str(run / "run" / "best.pt"), "--data",
                 str(run / "valid.tsv"), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["tokens"] == sum(len(s) for s in toy_sentences(8, seed=1))
    assert 0 <= got["accuracy"] <= 1 and set(got["per_tag"]) >= {"DET", "VERB"}


def test_predict_arguments_and_stdin(run: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    best = str(run / "run" / "best.pt")
    capsys.readouterr()
    assert main(["tag", "predict", best, "the walking", "quickly"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("the/") and lines[1].startswith("quickly/")
    monkeypatch.setattr("sys.stdin", io.StringIO("the walking\n\nslowly dark\n"))
    assert main(["tag", "predict", best, "-"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


def _error(capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str) -> None:
    capsys.readouterr()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("seqlm: error: ") and err.count("\n") == 1, err
    assert fragment in err, err


def test_bad_input_is_one_line_and_exit_2(run: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    best = str(run / "run" / "best.pt")
    _error(capsys, ["tag", "predict", best, ""], "the sentence is empty")
    bad = tmp_path / "bad.conllu"
    bad.write_text("# x\n1\tA\ta\tDET\tDT\t_\t0\troot\t_\t_\n2\tcat\tcat\tNOUN\n",
                   encoding="utf-8")
    _error(capsys, ["tag", "eval", best, "--data", str(bad)], "line 3")
    odd = tmp_path / "odd.tsv"
    odd.write_text("the\tDET\nwalking\tINTJ\n", encoding="utf-8")
    _error(capsys, ["tag", "eval", best, "--data", str(odd)], "INTJ")
    _error(capsys, ["tag", "train", "--out", str(tmp_path / "x"), "--data",
                    str(run / "train.tsv"), "--column", "lemma"], "unknown tag column")
    _error(capsys, ["tag", "train", "--out", str(tmp_path / "y"), "--resume"],
           "does not exist")
    _error(capsys, ["tag", "eval", str(run / "train.tsv"), "--data", str(odd)],
           "not a readable checkpoint")


def test_text_prints_the_words_one_sentence_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    mini = Path(__file__).parent / "fixtures" / "mini.conllu"
    assert main(["tag", "text", str(mini), "--lower"]) == 0
    assert capsys.readouterr().out == "i do n't know .\nsue likes tea and coffee\n"


def test_config_file_with_the_command_line_on_top(run: Path, tmp_path: Path) -> None:
    import torch

    toml = tmp_path / "run.toml"
    toml.write_text('hidden = 12\nlayers = 1\nchar-hidden = 8\nword_embed = 8\nepochs = 1\n'
                    'cell = "gru"\n', encoding="utf-8")
    assert main(["tag", "train", "--data", str(run / "train.tsv"), "--out", str(tmp_path / "c"),
                 "--config", str(toml), "--hidden", "10", "--no-progress"]) == 0
    conf = torch.load(tmp_path / "c" / "last.pt", weights_only=True)["model_config"]
    assert (conf["hidden"], conf["char_hidden"], conf["cell"]) == (10, 8, "gru")
