"""``seqlm ngram``: every sub-command end to end, and one-line errors with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from seqlm.cli.main import main

FIX = Path(__file__).parents[1] / "ngram" / "fixtures"
TRAIN = str(FIX / "small.train.txt")


@pytest.fixture()
def model(tmp_path: Path) -> Path:
    out = tmp_path / "m.npz"
    assert main(["ngram", "fit", TRAIN, "--out", str(out), "--order", "3", "--seed", "0"]) == 0
    return out


def test_fit_eval_score_compare_generate_convert(model: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["ngram", "eval", str(model), TRAIN, "--seed", "0"]) == 0
    assert "perplexity" in capsys.readouterr().out
    assert main(["ngram", "score", str(model), "w1 w2", "--full", "--seed", "0"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("\tw1 w2") and len(out) == 1 + 3
    assert main(["ngram", "compare", str(model), "w1 w10", "w399 w398 w397", "--seed", "0"]) == 0
    assert capsys.readouterr().out.startswith("1. ")
    assert main(["ngram", "generate", str(model), "--lines", "2", "--seed", "4"]) == 0
    first = capsys.readouterr().out
    assert main(["ngram", "generate", str(model), "--lines", "2", "--seed", "4"]) == 0
    assert capsys.readouterr().out == first and len(first.splitlines()) == 2
    arpa = tmp_path / "m.arpa"
    assert main(["ngram", "convert", str(model), str(arpa), "--seed", "0"]) == 0
    assert main(["ngram", "eval", str(arpa), TRAIN]) == 0
    assert "perplexity" in capsys.readouterr().out


@pytest.mark.parametrize("argv,msg", [
    (["ngram", "fit", "no-such-corpus", "--out", "{tmp}/x.npz"], "neither a file"),
    (["ngram", "fit", TRAIN, "--out", "{tmp}/x.npz", "--order", "0"], "order"),
    (["ngram", "fit", TRAIN, "--out", "{tmp}/x.npz", "--estimator", "magic"], "estimator"),
    (["ngram", "fit", TRAIN, "--out", "{tmp}/x.arpa", "--estimator", "mle"], "ARPA"),
    (["ngram", "eval", "{tmp}/missing.npz", TRAIN], "no such file"),
    (["ngram", "eval", "{tmp}/bad.arpa", TRAIN], "data"),
    (["ngram", "generate", "{tmp}/bad.arpa"], "data"),
    (["ngram", "fit", "{tmp}/latin1.txt", "--out", "{tmp}/x.npz"], "UTF-8"),
    (["ngram", "fit", "{tmp}/empty.txt", "--out", "{tmp}/x.npz"], ""),
])
def test_bad_input_exits_2_with_one_line(argv: list[str], msg: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "bad.arpa").write_text("not an arpa file\n")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 au lait\n".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("")
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("seqlm: error:") and len(err.strip().splitlines()) == 1
    assert msg in err
    assert not (tmp_path / "x.npz").exists() and not (tmp_path / "x.arpa").exists()


def test_generate_bad_options(model: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ngram", "generate", str(model), "--temperature", "0"]) == 2
    assert main(["ngram", "generate", str(model), "--lines", "0"]) == 2
    assert main(["ngram", "compare", str(model), "only one"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 3
