"""Training through the one loop (checkpoints, exact resume, seeds) and the CLI verbs, on a toy
task the model learns in seconds (English digit words -> Chinese digits)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from seqlm.apps.translate import (
    DataConfig,
    RunConfig,
    SearchConfig,
    Seq2SeqConfig,
    Translator,
    resume_translation,
    train_translation,
)
from seqlm.cli.main import main
from seqlm.train import TrainConfig, load_checkpoint
from tests.apps.translate.toy import toy_pairs, write_toy

SMALL = Seq2SeqConfig(embed=32, hidden=32, dropout=0.1)


def _run(files: dict[str, Path], seed: int = 0) -> RunConfig:
    return RunConfig(DataConfig(str(files["train"]), valid=str(files["valid"])), SMALL,
                     batch_size=32, seed=seed)


def _train_cfg(epochs: int) -> TrainConfig:
    return TrainConfig(epochs=epochs, optimizer="adam", lr=1e-2, clip=1.0, progress=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_toy(tmp_path_factory.mktemp("toy"))


@pytest.fixture(scope="module")
def trained(files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    torch.manual_seed(0)
    train_translation(_run(files), _train_cfg(10), out)
    return out


def test_checkpoints_carry_both_vocabularies_and_the_typed_configs(trained: Path) -> None:
    ckpt = load_checkpoint(trained / "best.pt")
    assert set(ckpt["vocab"]) == {"src", "tgt"}
    assert "three" in ckpt["vocab"]["src"]["idx_to_token"]
    assert "三" in ckpt["vocab"]["tgt"]["idx_to_token"]
    assert ckpt["model_config"]["kind"] == "seq2seq"
    assert ckpt["model_config"]["attention"] == "additive"
    assert ckpt["extra"]["app"] == "translate"
    assert ckpt["extra"]["data"]["tgt_tokenizer"] == "zh_chars"
    assert ckpt["train_config"]["clip"] == 1.0
    assert (trained / "last.pt").is_file() and (trained / "epochs.csv").is_file()


def test_it_learns_the_toy_task_and_attends_to_the_aligned_word(trained: Path,
                                                                 files: dict[str, Path]) -> None:
    t = Translator.load(trained / "best.pt")
    test = toy_pairs(40, seed=2)
    scores, hyps = t.evaluate(test, SearchConfig(beam=3))
    assert scores.bleu > 60 and scores.sentences == 40
    aligned = total = 0
    for (_, ref), h in zip(test, hyps, strict=True):
        if h.text == ref and h.attention is not None:
            n = len(ref) - 1  # the digits; the source has one word per digit
            aligned += int((h.attention[:n].argmax(-1) == torch.arange(n)).sum())
            total += n
    assert total and aligned / total > 0.7


def test_resume_continues_exactly(files: dict[str, Path], tmp_path: Path) -> None:
    straight, halves = tmp_path / "straight", tmp_path / "halves"
    train_translation(_run(files), _train_cfg(2), straight)
    train_translation(_run(files), _train_cfg(1), halves)
    resume_translation(halves, epochs=2, progress=False)
    a, b = load_checkpoint(straight / "last.pt"), load_checkpoint(halves / "last.pt")
    assert a["epoch"] == b["epoch"] == 2
    for k, v in a["model_state"].items():
        assert torch.equal(v, b["model_state"][k]), k
    assert [r["valid_loss"] for r in a["history"]] == [r["valid_loss"] for r in b["history"]]


def test_cpu_budget_stops_between_epochs(files: dict[str, Path], tmp_path: Path) -> None:
    run = _run(files)
    run.cpu_limit_s = 1e-3  # less than one epoch: the first epoch runs, then it stops
    _, _, result = train_translation(run, _train_cfg(5), tmp_path)
    assert result.stopped == "cpu_limit" and len(result.history) == 1
    assert "cpu_s" in result.history[0]


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_eval_prints_bleu_chrf_json(trained: Path, files: dict[str, Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(capsys, "translate", "eval", str(trained / "best.pt"), "--data",
                        str(files["test"]), "--json", "--beam", "2")
    assert code == 0
    result = json.loads(out)
    assert set(result) == {"bleu", "chrf", "sentences"} and result["sentences"] == 40
    assert result["bleu"] > 60


def test_cli_predict_argument_stdin_and_attention(trained: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ckpt = str(trained / "best.pt")
    picture = tmp_path / "att.png"
    code, out, _ = _cli(capsys, "translate", "predict", ckpt, "Three one four.",
                        "--attention", str(picture))
    assert code == 0 and out.splitlines()[0] == "三一四。"
    assert picture.read_bytes()[:4] == b"\x89PNG"
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("one two.\n\nnine.\n"))
    code, out, _ = _cli(capsys, "translate", "predict", ckpt, "-", "--beam", "1")
    assert code == 0 and out.splitlines() == ["一二。", "", "九。"]


def test_cli_bad_input_is_one_line_and_exit_2(trained: Path, files: dict[str, Path],
                                              tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    ckpt = str(trained / "best.pt")
    no_tab = tmp_path / "bad.tsv"
    no_tab.write_text("one.\t一。\nno tab on this line\n", encoding="utf-8")
    cases = [
        (["predict", ckpt, ""], "empty"),
        (["predict", ckpt, " ".join(["one"] * 10_000)], "10000 tokens"),
        (["eval", ckpt, "--data", str(no_tab)], "line 2 has no tab"),
        (["predict", ckpt, "one.", "--attention", str(tmp_path)], "--attention"),
        (["predict", str(files["train"]), "one."], "checkpoint"),
        (["eval", ckpt, "--data", str(files["test"]), "--beam", "0"], "--beam"),
        (["train", "--out", str(tmp_path / "x")], "--data is required"),
        (["train", "--data", str(files["train"]), "--label-smoothing", "1",
          "--out", str(tmp_path / "y")], "--label-smoothing"),
    ]
    for argv, words in cases:
        code, _, err = _cli(capsys, "translate", *argv)
        assert code == 2, argv
        assert err.startswith("seqlm: error:") and len(err.strip().splitlines()) == 1, err
        assert words in err, (words, err)


def test_a_source_of_only_unknown_words_still_translates_with_a_note(
        trained: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _cli(capsys, "translate", "predict", str(trained / "best.pt"), "xyzzy plugh")
    assert code == 0 and out.strip()
    assert "every source word is unknown" in err
    t = Translator.load(trained / "best.pt")
    [result] = t.translate(["xyzzy plugh"])
    assert result.unknown == ["xyzzy", "plugh"]
    assert result.source_tokens == ["xyzzy", "plugh", "<eos>"]  # read as <unk>, never dropped


def test_cli_train_is_repeatable_with_a_seed(files: dict[str, Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    args = ["translate", "train", "--data", str(files["train"]), "--valid", str(files["valid"]),
            "--embed", "8", "--hidden", "8", "--epochs", "1", "--no-progress", "--threads", "1",
            "--seed", "7"]
    for name in ("a", "b"):
        assert _cli(capsys, *args, "--out", str(tmp_path / name))[0] == 0
    a, b = (load_checkpoint(tmp_path / n / "last.pt")["model_state"] for n in "ab")
    assert all(torch.equal(a[k], b[k]) for k in a)
    code, _, err = _cli(capsys, *args, "--out", str(tmp_path / "a"))
    assert code == 2 and "--resume" in err  # a used run folder is never silently overwritten
    assert load_checkpoint(tmp_path / "a" / "last.pt")["extra"]["label_smoothing"] == 0.1
    assert _cli(capsys, *args, "--label-smoothing", "0", "--out", str(tmp_path / "s"))[0] == 0
    ckpt = load_checkpoint(tmp_path / "s" / "last.pt")
    assert ckpt["extra"]["label_smoothing"] == 0.0
    smoothed = ckpt["model_state"]
    assert not all(torch.equal(a[k], smoothed[k]) for k in a)  # the loss changed the steps
    rows = (tmp_path / "s" / "epochs.csv").read_text().splitlines()
    plain_rows = (tmp_path / "a" / "epochs.csv").read_text().splitlines()
    assert rows[1].split(",")[3] != plain_rows[1].split(",")[3]  # train loss: 'a' smoothed
    assert _cli(capsys, *args, "--ema", "0.9", "--out", str(tmp_path / "e"))[0] == 0
    averaged = load_checkpoint(tmp_path / "e" / "last.pt")
    assert averaged["train_config"]["ema_decay"] == 0.9 and averaged.get("average_state")
    decoder = Translator.load(tmp_path / "e" / "last.pt").model  # decodes with the average
    for name, p in decoder.named_parameters():
        torch.testing.assert_close(p, averaged["average_state"]["shadow"][name], rtol=0, atol=0)


def test_cli_split_writes_three_files(files: dict[str, Path], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(capsys, "translate", "split", str(files["train"]), "--out",
                        str(tmp_path / "parts"), "--seed", "1")
    assert code == 0 and "test:" in out
    sizes = {p: len((tmp_path / "parts" / f"{p}.tsv").read_text().splitlines())
             for p in ("train", "valid", "test")}
    distinct = len({s.lower() for s, _ in toy_pairs(600, 0)})
    assert sum(sizes.values()) == distinct and sizes["test"] == round(0.05 * distinct)


def test_cli_train_reads_a_toml_config_the_command_line_overriding_it(
        files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "run.toml"
    config.write_text('embed = 8\nhidden = 12\nepochs = 1\nattention = "none"\n'
                      'no-progress = true\n', encoding="utf-8")
    code, _, err = _cli(capsys, "translate", "train", "--data", str(files["train"]), "--valid",
                        str(files["valid"]), "--out", str(tmp_path / "run"), "--config",
                        str(config), "--hidden", "10", "--threads", "1")
    assert code == 2 and "no-progress" in err  # only the command's own option names
    config.write_text('embed = 8\nhidden = 12\nepochs = 1\nattention = "none"\n'
                      'progress = false\n', encoding="utf-8")
    code, _, err = _cli(capsys, "translate", "train", "--data", str(files["train"]), "--valid",
                        str(files["valid"]), "--out", str(tmp_path / "run"), "--config",
                        str(config), "--hidden", "10", "--threads", "1")
    assert code == 0, err
    saved = load_checkpoint(tmp_path / "run" / "last.pt")
    assert (saved["model_config"]["embed"], saved["model_config"]["hidden"]) == (8, 10)
    assert saved["model_config"]["attention"] == "none" and saved["epoch"] == 1


def test_the_demo_section_learns_numbers_in_seconds(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from seqlm.demo import run_demo
    from seqlm.demo.translate import chinese, english

    assert [chinese(n) for n in (10, 15, 105, 110, 345)] == [
        "十", "十五", "一百零五", "一百一十", "三百四十五"]
    assert english(345) == "three hundred and forty-five"
    run_demo(tmp_path, seed=0, quick=True, embedded=True, only=("translate",))
    out = capsys.readouterr().out
    assert "Translation" in out and "-> 三百四十五" in out
    assert (tmp_path / "translate_attention.png").read_bytes()[:4] == b"\x89PNG"
