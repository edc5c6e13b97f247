"""``seqlm classify``: train a toy TSV, eval (text, --json, --split, PNG), predict (top-k,
stdin), exact resume, --config TOML, and one-line errors for bad input."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import torch

from seqlm.cli.main import main

SMALL = ["--hidden", "12", "--embed", "6", "--batch-size", "16", "--no-progress",
         "--threads", "1", "--lr", "0.01"]


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three classes told apart by their letters: vowels, consonants, digits."""
    rng = random.Random(0)
    rows = [f"{''.join(rng.choice(al) for _ in range(rng.randint(2, 7)))}\t{label}"
            for label, al in (("vowel", "aeiou"), ("cons", "bcdfg"), ("digit", "12345"))
            for _ in range(40)]
    rng.shuffle(rows)
    path = tmp_path_factory.mktemp("toy") / "toy.tsv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _train(data: Path, out: Path, *extra: str) -> int:
    return main(["classify", "train", "--data", str(data), "--out", str(out), *SMALL, *extra])


@pytest.fixture(scope="module")
def run(toy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    assert _train(toy, out, "--epochs", "6", "--model", "gru") == 0
    return out


def test_train_eval_predict(run: Path, toy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (run / "best.pt").is_file() and (run / "last.pt").is_file()
    capsys.readouterr()
    assert main(["classify", "eval", str(run / "best.pt"), "--split", "test", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["examples"] == 12 and report["accuracy"] >= 0.75  # 3 classes, easy
    assert set(report["per_class"]) == {"cons", "digit", "vowel"}
    assert (run / "confusion.png").read_bytes()[:4] == b"\x89PNG"
    png = run.parent / "cm.png"
    assert main(["classify", "eval", str(run / "best.pt"), "--data", str(toy),
                 "--confusion", str(png)]) == 0
    text = capsys.readouterr().out
    assert "macro-F1" in text and "(120 examples)" in text and png.is_file()
    assert main(["classify", "eval", str(run / "best.pt"), "--data", str(toy), "--split", "test",
                 "--json", "--confusion", str(png)]) == 0  # the same file's held-out split
    assert json.loads(capsys.readouterr().out)["examples"] == 12
    assert main(["classify", "predict", str(run / "best.pt"), "aeiou", "55", "--top", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[1].startswith("vowel") and len(lines[0].split("\t")) == 4
    assert lines[1].split("\t")[1].startswith("digit")
    probs = [float(x.split()[1]) for x in lines[0].split("\t")[1:]]
    assert sum(probs) == pytest.approx(1.0, abs=1e-3) and probs == sorted(probs, reverse=True)


def test_predict_stdin_json_and_unseen(run: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("bcd\n\nzzë\n"))
    assert main(["classify", "predict", str(run / "best.pt"), "-", "--json"]) == 0
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["text"] for r in rows] == ["bcd", "zzë"] and len(rows[0]["top"]) == 1
    assert "read as <unk>: z ë" in captured.err


def test_exact_resume(toy: Path, tmp_path: Path) -> None:
    assert _train(toy, tmp_path / "full", "--epochs", "2", "--seed", "3") == 0
    assert _train(toy, tmp_path / "half", "--epochs", "1", "--seed", "3") == 0
    assert main(["classify", "train", "--out", str(tmp_path / "half"), "--resume", "--epochs",
                 "2", "--no-progress", "--threads", "1"]) == 0
    a = torch.load(tmp_path / "full" / "last.pt", weights_only=True)
    b = torch.load(tmp_path / "half" / "last.pt", weights_only=True)
    assert a["epoch"] == b["epoch"] == 2
    for name, tensor in a["model_state"].items():
        assert torch.equal(tensor, b["model_state"][name]), name


def test_an_averaged_run_predicts_with_the_averaged_weights(toy: Path, tmp_path: Path) -> None:
    """--ema: validation chose best.pt with the moving average, so loading it uses that."""
    from seqlm.apps.classify.predict import Classifier

    assert _train(toy, tmp_path / "ema", "--epochs", "2", "--ema", "0.9") == 0
    ckpt = torch.load(tmp_path / "ema" / "best.pt", weights_only=True)
    shadow = ckpt["average_state"]["shadow"]
    model = Classifier.load(tmp_path / "ema" / "best.pt").model
    for name, p in model.named_parameters():
        torch.testing.assert_close(p, shadow[name], rtol=0, atol=0)
    assert any(not torch.equal(ckpt["model_state"][n], shadow[n]) for n in shadow)


def test_config_toml_and_overrides(toy: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "run.toml"
    cfg.write_text('valid-frac = 0.2\nclass_weight = 1.0\nmodel = "lstm_scratch"\n'
                   'hidden = 9\nepochs = 1\n')
    assert _train(toy, tmp_path / "r", "--config", str(cfg), "--hidden", "10") == 0
    ckpt = torch.load(tmp_path / "r" / "last.pt", weights_only=True)
    model = ckpt["model_config"]["config"]
    assert model["kind"] == "lstm_scratch" and model["num_hiddens"] == 10  # the option wins
    assert ckpt["extra"]["settings"]["valid_frac"] == 0.2 and ckpt["epoch"] == 1


@pytest.mark.parametrize("argv,message", [
    (["predict", "{ckpt}", ""], "example 1 is empty"),
    (["eval", "{ckpt}", "--data", "{bad_tsv}"], "has no tab"),
    (["eval", "{ckpt}", "--data", "{unknown}"], "unknown label 'klingon'"),
    (["eval", "{ckpt}"], "give --data"),
    (["predict", "{toy}", "x"], "checkpoint"),
    (["train", "--data", "{toy}", "--out", "{tmp}/c", "--config", "{bad_toml}"],
     "unknown option(s) hiden"),
    (["train", "--out", "{tmp}/none", "--resume"], "does not exist"),
    (["train", "--data", "{toy}", "--out", "{tmp}/m", "--model", "transformer"],
     "unknown cell kind"),
])
def test_bad_input_is_one_line(run: Path, toy: Path, tmp_path: Path, argv: list[str],
                               message: str, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.tsv").write_text("aeiou vowel\n")
    (tmp_path / "unknown.tsv").write_text("aei\tklingon\n")
    (tmp_path / "bad.toml").write_text("hiden = 3\n")
    names = {"ckpt": run / "best.pt", "bad_tsv": tmp_path / "bad.tsv", "toy": toy,
             "unknown": tmp_path / "unknown.tsv", "tmp": tmp_path,
             "bad_toml": tmp_path / "bad.toml"}
    capsys.readouterr()
    assert main(["classify", *(a.format(**names) for a in argv)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("seqlm: error: ") and message in err and err.count("\n") == 1


def test_init_from_an_lm_trained_by_rnn_train(toy: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "texts.txt"
    text.write_text("\n".join(line.split("\t")[0] for line in toy.read_text().splitlines()))
    assert main(["rnn", "train", "--data", str(text), "--out", str(tmp_path / "lm"), "--model",
                 "gru", "--hidden", "10", "--embed", "5", "--epochs", "1", "--batch-size", "4",
                 "--num-steps", "8", "--no-progress", "--threads", "1"]) == 0
    capsys.readouterr()
    lm = str(tmp_path / "lm" / "last.pt")
    assert main(["classify", "train", "--data", str(toy), "--out", str(tmp_path / "clf"),
                 "--epochs", "1", "--init-from", lm, "--discriminative", "2.6",
                 "--gradual-unfreeze", "--no-progress", "--threads", "1"]) == 0
    out = capsys.readouterr().out
    assert "forward direction from the LM:" in out and "tokens mapped" in out
    cfg = torch.load(tmp_path / "clf" / "last.pt", weights_only=True)["model_config"]["config"]
    assert (cfg["kind"], cfg["num_hiddens"], cfg["embed_size"]) == ("gru", 10, 5)  # the LM's
    # an option that contradicts the LM's cell is refused in one line
    assert _train(toy, tmp_path / "clash", "--init-from", lm) == 2
    assert "num_hiddens 10 vs 12" in capsys.readouterr().err
