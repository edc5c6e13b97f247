"""``seqlm ngram``: every sub-command end to end, and one-line errors with exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from seqlm.cli.main import main

FIX = Path(__file__).parents[1] / "ngram" / "fixtures"
TRAIN = str(FIX / "small.train.txt")


@pytest.fixture()
def model(tmp_path: Path) -> Path:
    out = tmp_path / "m.npz"
    assert main(["ngram", "fit", TRAIN, "--out", str(out), "--order", "3"]) == 0
    return out


def test_fit_eval_score_compare_generate_convert(model: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["ngram", "eval", str(model), TRAIN]) == 0
    assert "perplexity" in capsys.readouterr().out
    assert main(["ngram", "score", str(model), "w1 w2"]) == 0
    assert capsys.readouterr().out.endswith("\tw1 w2\n")
    assert main(["ngram", "compare", str(model), "w1 w10", "w399 w398 w397"]) == 0
    assert capsys.readouterr().out.startswith("1. ")
    assert main(["ngram", "generate", str(model), "--lines", "2", "--seed", "4"]) == 0
    first = capsys.readouterr().out
    assert main(["ngram", "generate", str(model), "--lines", "2", "--seed", "4"]) == 0
    assert capsys.readouterr().out == first and len(first.splitlines()) == 2
    arpa = tmp_path / "m.arpa"
    assert main(["ngram", "convert", str(model), str(arpa)]) == 0
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


def test_full_scores_print_tokens_as_kenlm_query(model: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from seqlm.ngram import load

    m = load(model)
    capsys.readouterr()
    assert main(["ngram", "score", str(model), "w1 zz", "--full"]) == 0
    cells = capsys.readouterr().out.strip().split("\t")
    scores = m.full_scores("w1 zz")
    assert cells[0] == f"w1={m.vocab.index('w1')} {scores[0][1]} {scores[0][0]:.6f}"
    assert cells[1].startswith("zz=0 1 ") and cells[2].startswith("</s>=")
    assert cells[3] == f"Total: {m.score('w1 zz'):.6f}" and cells[4] == "OOV: 1"


def test_json_stdin_and_stdout(model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    import io
    import json

    from seqlm.ngram import load

    m = load(model)
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("w1 w2\n\nw3 w1\n"))
    assert main(["ngram", "score", str(model), "-", "--json"]) == 0
    recs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["sentence"] for r in recs] == ["w1 w2", "w3 w1"]
    assert recs[1]["log10"] == pytest.approx(m.score("w3 w1"))
    assert main(["ngram", "eval", str(model), TRAIN, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tokens"] > 1000
    assert main(["ngram", "compare", str(model), "w1 w2", "w2 w1", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["ranking"]) == 2
    assert main(["ngram", "convert", str(model), "-"]) == 0
    arpa = capsys.readouterr().out
    assert arpa.startswith("\n\\data\\") and arpa.rstrip().endswith("\\end\\")
    assert not (tmp_path / "-").exists()


def test_outputs_that_would_lose_data_are_refused(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b c\nb c a\n")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    for argv in (["ngram", "fit", str(corpus), "-o", str(corpus)],
                 ["ngram", "fit", str(corpus), "-o", str(tmp_path)],
                 ["ngram", "fit", str(corpus), "-o", str(tmp_path / "x.arpa.gz")],
                 ["ngram", "convert", str(tmp_path / "loop"), str(tmp_path / "y.npz")],
                 ["ngram", "fit", str(corpus), "-o", str(tmp_path / "c.arpa"),
                  "--tokenizer", "char", "--mode", "stream"]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("seqlm: error:") and len(err.strip().splitlines()) == 1
    assert corpus.read_text() == "a b c\nb c a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt", "loop"]


def test_generate_bounds_char_start_and_streaming_fit(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "c.txt"
    corpus.write_text("the cat sat\non the mat\n" * 20)
    char = tmp_path / "c.npz"
    assert main(["ngram", "fit", str(corpus), "-o", str(char), "--tokenizer", "char",
                 "--mode", "stream", "-n", "4"]) == 0
    capsys.readouterr()
    assert main(["ngram", "generate", str(char), "--lines", "2", "-n", "20"]) == 0
    assert len(capsys.readouterr().out) > 10  # no --prefix needed
    assert main(["ngram", "generate", str(char), "--lines", str(2**63)]) == 2
    assert "--lines" in capsys.readouterr().err
    big = tmp_path / "s.npz"
    assert main(["ngram", "fit", str(corpus), "-o", str(big), "--memory", "64M",
                 "--temp-dir", str(tmp_path), "--no-progress"]) == 0
    capsys.readouterr()
    for bad, says in (([str(tmp_path / "missing.txt")], "missing.txt is not a text file"),
                      ([str(corpus), "--preset", "lines"], "no --split or --preset")):
        assert main(["ngram", "fit", *bad, "-o", str(big), "--memory", "64M"]) == 2
        err = capsys.readouterr().err
        assert says in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("verb", ["fit", "eval", "score", "compare", "generate", "convert"])
def test_every_verb_has_help_with_an_example(verb: str, capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    assert main(["ngram", verb, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Example: seqlm ngram " + verb in out and ("--seed" in out) == (verb == "generate")


def test_verb_help_loads_neither_numpy_nor_the_model_code() -> None:
    """`seqlm ngram VERB --help` starts light (issue 12): the heavy imports wait for the work.
    Checked in a fresh interpreter, since this one has imported everything already."""
    verbs = ["fit", "eval", "score", "compare", "generate", "convert"]
    code = ("import contextlib, io, sys\nfrom seqlm.cli.main import main\n"
            f"for verb in {verbs!r}:\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        assert main(['ngram', verb, '--help']) == 0\n"
            "print(sorted(m for m in ('numpy', 'seqlm.ngram', 'seqlm.data') if m in sys.modules))")
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


def test_every_output_path_problem_is_one_line_and_nothing_written(
        model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 12 section 3 for fit and convert: an empty path, a parent that is a file, an
    unwritable folder, an existing folder; and generate's --seed -1."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    bad_outputs = ["", str(afile / "m.npz"), str(tmp_path)]
    if os.geteuid() != 0:  # root writes anywhere, so this case only means something for users
        bad_outputs.append(str(locked / "m.npz"))
    before = sorted(p.name for p in tmp_path.iterdir())
    for out in bad_outputs:
        for argv in (["ngram", "fit", TRAIN, "-o", out], ["ngram", "convert", str(model), out]):
            assert main(argv) == 2, argv
            err = capsys.readouterr().err
            assert err.startswith("seqlm: error:") and len(err.strip().splitlines()) == 1, err
    assert main(["ngram", "generate", str(model), "--seed", "-1"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert list(locked.iterdir()) == [] and afile.read_text() == "x"


def test_written_models_get_the_mode_open_would_give(model: Path, tmp_path: Path) -> None:
    """Issue 12 section 4: the umask is honoured as by open(); overwriting keeps the mode."""
    saved = os.umask(0o027)
    try:
        outs = [tmp_path / "new.npz", tmp_path / "new.arpa"]
        assert main(["ngram", "fit", TRAIN, "-o", str(outs[0])]) == 0
        assert main(["ngram", "convert", str(outs[0]), str(outs[1])]) == 0
        plain = tmp_path / "plain"
        with open(plain, "w") as fh:
            fh.write("x")
        assert {p.stat().st_mode & 0o777 for p in outs} == {plain.stat().st_mode & 0o777}
        outs[1].chmod(0o600)
        assert main(["ngram", "convert", str(outs[0]), str(outs[1])]) == 0
        assert outs[1].stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(saved)
