"""``seqlm rnn``: train a tiny corpus for one epoch, eval/generate/score/compare, bad input."""

from __future__ import annotations

import csv
import math
import pickle
from pathlib import Path

import pytest

from seqlm.cli.main import main

TEXT = "\n".join(
    ["the time traveller was speaking to us", "the fire burned brightly",
     "he took one of the small octagonal tables", "we all looked at the time machine"] * 25
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("corpus") / "tiny.txt"
    p.write_text(TEXT, encoding="utf-8")
    return p


def _train(corpus: Path, out: Path, *extra: str) -> int:
    return main(["rnn", "train", "--data", str(corpus), "--out", str(out), "--epochs", "1",
                 "--hidden", "16", "--batch-size", "4", "--num-steps", "8", "--no-progress",
                 "--threads", "1", *extra])


@pytest.fixture(scope="module")
def char_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("char")
    assert _train(corpus, out, "--model", "gru", "--optimizer", "adam", "--lr", "0.01") == 0
    return out


def test_train_writes_checkpoint_logs_plots(char_run: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("last.pt", "best.pt", "epochs.csv", "ppl.png", "grad_norm.png"):
        assert (char_run / name).stat().st_size > 0
    with open(char_run / "epochs.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1 and 1.0 < float(rows[0]["valid_ppl"]) < 40


def test_eval_and_score_show_progress_unless_told_not_to(
        char_run: Path, corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ck = str(char_run / "last.pt")
    capsys.readouterr()
    for verb in (["eval", ck, "--data", str(corpus)], ["score", ck, "the fire"],
                 ["eval", ck, "--data", str(corpus), "--dynamic-lr", "1e-3"]):
        assert main(["rnn", *verb]) == 0
        shown = capsys.readouterr()
        assert "scoring:" in shown.err and "scoring" not in shown.out
        assert main(["rnn", *verb, "--no-progress"]) == 0
        assert "scoring" not in capsys.readouterr().err


def test_eval_matches_training_log_scale(char_run: Path, corpus: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["rnn", "eval", str(char_run / "last.pt"), "--data", str(corpus),
                 "--last-frac", "0.1"]) == 0
    out = capsys.readouterr().out
    ppl = float(out.split()[1])
    with open(char_run / "epochs.csv", newline="") as fh:
        logged = float(next(csv.DictReader(fh))["valid_ppl"])
    # same held-out text: exact stream scoring vs 10-row chunked validation, close but not equal
    assert math.isclose(ppl, logged, rel_tol=0.1)


def test_generate_score_compare(char_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ck = str(char_run / "last.pt")
    capsys.readouterr()
    assert main(["rnn", "generate", ck, "--prefix", "the ", "-n", "20", "--seed", "1"]) == 0
    first = capsys.readouterr().out
    assert first.startswith("the ") and len(first.rstrip("\n")) == 4 + 20
    assert main(["rnn", "generate", ck, "--prefix", "the ", "-n", "20", "--seed", "1"]) == 0
    assert capsys.readouterr().out == first  # same seed, same text
    assert main(["rnn", "score", ck, "the fire", "--full"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert float(lines[0].split("\t")[0]) < 0 and len(lines) == 1 + 7  # 7 predicted chars
    total = sum(float(line.split("\t")[0]) for line in lines[1:])
    assert total == pytest.approx(float(lines[0].split("\t")[0]), abs=1e-3)
    assert main(["rnn", "compare", ck, "the fire burned", "xqz zqx qxz"]) == 0
    ranked = capsys.readouterr().out.splitlines()
    assert ranked[0].endswith("the fire burned")


def test_resume_continues_exactly(corpus: Path, tmp_path: Path) -> None:
    common = ("--model", "rnn_scratch", "--lr", "1", "--seed", "3")
    assert _train(corpus, tmp_path / "full", *common, "--epochs", "2") == 0
    assert _train(corpus, tmp_path / "cut", *common, "--epochs", "1") == 0
    assert main(["rnn", "train", "--out", str(tmp_path / "cut"), "--resume", "--epochs", "2",
                 "--no-progress"]) == 0

    def numbers(p: Path) -> list[dict[str, str]]:
        with open(p / "epochs.csv", newline="") as fh:
            return [{k: v for k, v in r.items() if k not in ("seconds", "items_per_s")}
                    for r in csv.DictReader(fh)]

    assert numbers(tmp_path / "cut") == numbers(tmp_path / "full")


def test_word_level_sentence_mode(corpus: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert _train(corpus, tmp_path, "--level", "word", "--model", "lstm", "--embed", "8",
                  "--optimizer", "adam", "--lr", "0.01") == 0
    capsys.readouterr()
    assert main(["rnn", "score", str(tmp_path / "last.pt"), "the fire burned brightly",
                 "--full"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1 + 5 and "'</s>'" in lines[-1]  # 4 words and </s>


def _err(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("seqlm: error:") and "Traceback" not in err
    return err


@pytest.mark.parametrize("args,msg", [
    (["--lr", "nan"], "--lr"),
    (["--num-steps", "0"], "steps"),
    (["--model", "transformer"], "unknown model"),
    (["--optimizer", "rmsprop"], "optimizer"),
    (["--level", "byte"], "level"),
    (["--batching", "shuffled"], "batching"),
    (["--ema", "1.5"], "--ema"),
    (["--ema", "nan"], "--ema"),
    (["--precision", "fp16"], "precision"),
    (["--lr", "1e308"], "--lr"),
    (["--hidden", "9223372036854775808"], "--hidden"),
    (["--epochs", "0"], "--epochs"),
    (["--seed", "-1"], "--seed"),
    (["--weight-drop", "1.0"], "weight_drop"),
    (["--distill", "1.5"], "--distill"),
    (["--distill", "0.3", "--distill-folds", "0"], "folds"),
    (["--distill", "0.3", "--distill-decay", "nan"], "decay"),
])
def test_bad_training_settings(corpus: Path, tmp_path: Path, args: list[str], msg: str,
                               capsys: pytest.CaptureFixture[str]) -> None:
    assert _train(corpus, tmp_path, *args) == 2
    assert msg in _err(capsys)
    assert not (tmp_path / "last.pt").exists()


def test_divergence_is_a_clear_error(corpus: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert _train(corpus, tmp_path, "--model", "rnn_scratch", "--nonlinearity", "relu",
                  "--lr", "1e12", "--clip", "0") == 2
    assert "diverged" in _err(capsys)


class _Marker:
    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_bad_checkpoints(tmp_path: Path, char_run: Path, corpus: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    evil, marker = tmp_path / "evil.pt", tmp_path / "pwned"
    evil.write_bytes(pickle.dumps(_Marker(str(marker))))
    assert main(["rnn", "generate", str(evil), "--prefix", "a"]) == 2
    assert "checkpoint" in _err(capsys) and not marker.exists()
    assert main(["rnn", "eval", str(tmp_path / "none.pt"), "--data", str(corpus)]) == 2
    assert "does not exist" in _err(capsys)
    assert main(["rnn", "train", "--out", str(tmp_path), "--resume"]) == 2
    _err(capsys)
    assert main(["rnn", "generate", str(char_run / "last.pt"), "--prefix", "the #"]) == 2
    assert "never saw" in _err(capsys)


def test_preset_is_applied_to_scored_text(corpus: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from seqlm.data import normalise

    assert _train(corpus, tmp_path, "--preset", "letters") == 0
    ck = str(tmp_path / "last.pt")
    capsys.readouterr()
    assert main(["rnn", "score", ck, "The FIRE, burned!"]) == 0
    raw = capsys.readouterr().out.split("\t")[0]
    assert main(["rnn", "score", ck, normalise("The FIRE, burned!", "letters")]) == 0
    assert capsys.readouterr().out.split("\t")[0] == raw


def test_resume_with_changed_data_is_a_vocabulary_error(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    data = tmp_path / "c.txt"
    data.write_text(TEXT, encoding="utf-8")
    assert _train(data, tmp_path / "run") == 0
    data.write_text("zebra quiz jukebox\n" + TEXT, encoding="utf-8")  # new training chars
    assert main(["rnn", "train", "--out", str(tmp_path / "run"), "--resume", "--epochs", "2",
                 "--no-progress"]) == 2
    assert "vocabulary" in _err(capsys)


def test_eval_mixture_with_an_ngram_model_matches_the_api(
        char_run: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """rnn eval --mix: RNN, n-gram (fitted on the RNN's vocabulary) and their tuned mixture."""
    from seqlm.apps.lm import load_lm
    from seqlm.ngram import load
    from seqlm.rnn import Interpolated

    tune, test = tmp_path / "tune.txt", tmp_path / "test.txt"
    tune.write_text("the time machine was speaking brightly", encoding="utf-8")
    test.write_text("we all looked at the small fire", encoding="utf-8")
    ngram = tmp_path / "c5.npz"
    assert main(["ngram", "fit", str(corpus), "-o", str(ngram), "-n", "5", "--mode", "stream",
                 "--tokenizer", "char", "--vocab-from", str(char_run / "last.pt")]) == 0
    capsys.readouterr()
    assert main(["rnn", "eval", str(char_run / "last.pt"), "--data", str(test),
                 "--mix", str(ngram), "--tune-data", str(tune)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[2].startswith("mixture, lam=")
    rnn, _ = load_lm(char_run / "last.pt")
    ref = Interpolated(rnn, load(ngram)).fit(tune.read_text(encoding="utf-8"))
    ppl = [float(line.split("perplexity ")[1].split()[0]) for line in lines]
    assert ppl[0] == pytest.approx(rnn.perplexity(test.read_text(encoding="utf-8")).ppl, rel=1e-4)
    assert ppl[2] == pytest.approx(ref.perplexity(test.read_text(encoding="utf-8")).ppl,
                                   rel=1e-4)
    assert f"lam={ref.lam:.4f}" in lines[2]


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--lam", "0.5"], "need --mix"),
        (["--mix", "x.npz"], "either --lam or --tune-data"),
        (["--mix", "x.npz", "--lam", "0.5", "--tune-data", "t.txt"], "either --lam"),
        (["--dynamic-lr", "nan"], "dynamic evaluation lr"),
        (["--dynamic-lr", "0.1", "--segment", "0"], "segment"),
        (["--dynamic-rms", "x.txt"], "need --dynamic-lr"),
        (["--dynamic-lr", "0.1", "--dynamic-decay", "2"], "decay"),
    ],
)
def test_eval_mixture_bad_options(char_run: Path, corpus: Path, extra: list[str], needle: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["rnn", "eval", str(char_run / "last.pt"), "--data", str(corpus), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0]


def test_eval_mixture_vocabulary_mismatch_is_one_line(
        char_run: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ngram = tmp_path / "own_vocab.npz"
    assert main(["ngram", "fit", str(corpus), "-o", str(ngram), "-n", "3", "--mode", "stream",
                 "--tokenizer", "char"]) == 0
    capsys.readouterr()
    assert main(["rnn", "eval", str(char_run / "last.pt"), "--data", str(corpus),
                 "--mix", str(ngram), "--lam", "0.5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "vocabulary" in err[0]


def test_ema_training_and_dynamic_eval_match_the_api(
        corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--ema keeps a weight average in the checkpoint; eval --dynamic-lr is DynamicEval's figure."""
    from seqlm.apps.lm import load_lm
    from seqlm.rnn import DynamicEval
    from seqlm.train import load_checkpoint

    assert _train(corpus, tmp_path, "--model", "lstm", "--optimizer", "adam", "--lr", "0.01",
                  "--ema", "0.9") == 0
    ckpt = load_checkpoint(tmp_path / "last.pt")
    assert ckpt["average_state"]["decay"] == 0.9
    assert ckpt["average_state"]["updates"] == ckpt["step"] > 0
    test = tmp_path / "test.txt"
    test.write_text("we all looked at the small fire burning", encoding="utf-8")
    capsys.readouterr()
    assert main(["rnn", "eval", str(tmp_path / "last.pt"), "--data", str(test),
                 "--dynamic-lr", "0.05", "--segment", "10"]) == 0
    ppl = float(capsys.readouterr().out.split("perplexity ")[1].split()[0])
    lm, _ = load_lm(tmp_path / "last.pt")
    ref = DynamicEval(lm, lr=0.05, segment=10).perplexity(test.read_text(encoding="utf-8")).ppl
    assert ppl == pytest.approx(ref, rel=1e-4) and ppl != pytest.approx(
        lm.perplexity(test.read_text(encoding="utf-8")).ppl, rel=1e-4)
    assert main(["rnn", "eval", str(tmp_path / "last.pt"), "--data", str(test),
                 "--dynamic-lr", "1e-3", "--segment", "10", "--dynamic-decay", "0.1",
                 "--dynamic-rms", str(corpus)]) == 0
    ppl = float(capsys.readouterr().out.split("perplexity ")[1].split()[0])
    rms = DynamicEval(lm, lr=1e-3, segment=10, decay=0.1).gradient_rms(
        corpus.read_text(encoding="utf-8"))
    assert ppl == pytest.approx(rms.perplexity(test.read_text(encoding="utf-8")).ppl, rel=1e-4)


def test_distilled_training_records_its_teacher_and_resumes(
        corpus: Path, tmp_path: Path) -> None:
    """--distill trains on teacher-mixed labels (another loss than plain training), keeps the
    settings in the checkpoint, and --resume rebuilds the teacher and continues exactly."""
    from seqlm.train import load_checkpoint

    common = ("--model", "lstm", "--optimizer", "adam", "--lr", "0.01", "--seed", "2")
    teach = ("--distill", "0.5", "--distill-order", "4", "--distill-folds", "3")
    assert _train(corpus, tmp_path / "plain", *common, "--epochs", "2") == 0
    assert _train(corpus, tmp_path / "full", *common, *teach, "--epochs", "2") == 0
    assert _train(corpus, tmp_path / "cut", *common, *teach, "--epochs", "1") == 0
    assert main(["rnn", "train", "--out", str(tmp_path / "cut"), "--resume", "--epochs", "2",
                 "--no-progress"]) == 0
    cli = load_checkpoint(tmp_path / "cut" / "last.pt")["run"]
    assert cli["distill"] == {"alpha": 0.5, "decay": 0.98, "order": 4, "folds": 3,
                              "estimator": "modified_kneser_ney"}

    def numbers(p: Path) -> list[dict[str, str]]:
        with open(p / "epochs.csv", newline="") as fh:
            return [{k: v for k, v in r.items() if k not in ("seconds", "items_per_s")}
                    for r in csv.DictReader(fh)]

    assert numbers(tmp_path / "cut") == numbers(tmp_path / "full")
    assert numbers(tmp_path / "full")[0]["train_loss"] != numbers(tmp_path / "plain")[0][
        "train_loss"]


def test_config_file_with_command_line_overrides(corpus: Path, tmp_path: Path) -> None:
    """--config run.toml holds the options; the command line overrides them; the checkpoint
    stores the typed run config that --resume rebuilds."""
    from seqlm.apps.lm import LMRunConfig
    from seqlm.registry import make_config
    from seqlm.train import load_checkpoint

    toml = tmp_path / "run.toml"
    toml.write_text(f'data = "{corpus}"\nmodel = "gru"\nhidden = 12\nbatch-size = 4\n'
                    'num_steps = 8\nlr = 2\nepochs = 1\nprogress = false\nclip = 0.5\n',
                    encoding="utf-8")
    out = tmp_path / "run"
    assert main(["rnn", "train", "--config", str(toml), "--out", str(out), "--lr", "0.5",
                 "--threads", "1"]) == 0
    run = make_config(LMRunConfig, load_checkpoint(out / "last.pt")["run"])
    assert (run.model, run.cell.num_hiddens, run.batch_size, run.num_steps) == ("gru", 12, 4, 8)
    assert (run.train.lr, run.train.clip, run.train.epochs) == (0.5, 0.5, 1)  # --lr won
    assert run.data == str(corpus) and not run.train.progress


@pytest.mark.parametrize("text,msg", [
    ('colour = "red"\n', "unknown option(s) colour"),
    ("min-freq = 1.5\n", "option 'min-freq' must be an integer"),
    ('tie = "yes"\n', "option 'tie' must be true or false"),
    ('dropout = "high"\n', "option 'dropout' must be a number"),
    ("[train]\nlr = 1\n", "unknown option(s) train"),
    ("weight_drop = [0.1, 0.2]\n", "option 'weight_drop' must be a single value"),
    ("hidden = \n", "not valid TOML"),
])
def test_bad_config_files(corpus: Path, tmp_path: Path, text: str, msg: str,
                          capsys: pytest.CaptureFixture[str]) -> None:
    toml = tmp_path / "run.toml"
    toml.write_text(text, encoding="utf-8")
    assert _train(corpus, tmp_path / "out", "--config", str(toml)) == 2
    assert msg in _err(capsys)
    assert not (tmp_path / "out" / "last.pt").exists()


def test_checkpoints_from_before_typed_run_configs(char_run: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """An older checkpoint (settings under extra["cli"], the torch model's config with a 'cell'
    key and without the new settings) still scores; --resume says why it cannot rebuild."""
    from seqlm.train import load_checkpoint, save_checkpoint

    ckpt = load_checkpoint(char_run / "last.pt")
    run = ckpt.pop("run")
    ckpt["extra"] = {**ckpt["extra"], "cli": {"data": run["data"]}}
    old = {k: ckpt["model_config"][k] for k in ("kind", "num_hiddens", "vocab_size")}
    ckpt["model_config"] = {**old, "cell": "gru", "num_layers": 1}
    out = tmp_path / "old"
    out.mkdir()
    save_checkpoint(out / "last.pt", {k: v for k, v in ckpt.items() if k != "format"})
    capsys.readouterr()
    assert main(["rnn", "score", str(out / "last.pt"), "the fire"]) == 0
    assert float(capsys.readouterr().out.split("\t")[0]) < 0
    assert main(["rnn", "train", "--out", str(out), "--resume"]) == 2
    assert "older seqlm" in _err(capsys)
