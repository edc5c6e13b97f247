"""CLI for series: fit -> predict, evaluate, plot; every bad input is one line and exit 2."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import torch

from seqlm.cli.main import main

FAST = ["--epochs", "1", "--hidden", "4", "--device", "cpu", "--threads", "1"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


def assert_one_line_error(rc: int, err: str, needle: str) -> None:
    assert rc == 2, err
    lines = [ln for ln in err.strip().splitlines() if "Warning" not in ln and ln.strip()
             and not ln.startswith("  ")]
    assert len(lines) == 1, err
    assert lines[0].startswith("seqlm: error: ") and needle in lines[0], err
    assert "Traceback" not in err


def test_fit_then_predict_modes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    model = tmp_path / "m.pt"
    rc, out, _ = run(["series", "fit", "synthetic", "--model", "ar", "--tau", "aic",
                      "--test", "396", "--out", str(model), "--seed", "3"], capsys)
    assert rc == 0 and "linear-ar(aic=" in out and model.is_file()
    rc, out, _ = run(["series", "predict", str(model), "--seed", "3"], capsys)
    lines = out.strip().splitlines()
    assert rc == 0 and lines[0] == "index,time,k,observed,prediction" and len(lines) == 1 + 396
    assert lines[1].startswith("604,605,1,")  # the synthetic series' time is t = index + 1
    pred = tmp_path / "p.csv"
    rc, _, _ = run(["series", "predict", str(model), "--mode", "k-step", "--ks", "1,4",
                    "--interval", "0.9", "--out", str(pred), "--seed", "3"], capsys)
    rows = list(csv.DictReader(pred.open()))
    assert rc == 0 and len(rows) == 396 + 393
    assert all(float(r["lower"]) < float(r["prediction"]) < float(r["upper"]) for r in rows)
    rc, out, _ = run(["series", "predict", str(model), "--mode", "free", "--start", "990",
                      "--horizon", "20"], capsys)
    assert rc == 0 and len(out.strip().splitlines()) == 21  # 10 beyond the data: no observed


def test_fit_neural_and_predict(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for name in ("mlp", "latent"):
        model = tmp_path / f"{name}.pt"
        rc, out, _ = run(["series", "fit", "sunspots", "--model", name, "--valid", "0.1",
                          "--seq-len", "32", "--burn-in", "11", "--out", str(model), *FAST],
                         capsys)
        assert rc == 0 and "1-step test MSE" in out, out
        rc, out, _ = run(["series", "predict", str(model), "--mode", "k-step", "--ks", "3"],
                         capsys)
        assert rc == 0 and len(out.strip().splitlines()) == 1 + 62 - 2


def test_evaluate_table_and_csv(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    rc, out, _ = run(["series", "evaluate", "sunspots", "--models", "naive,seasonal-naive,ar",
                      "--ks", "1,12", "--tau", "aic", "--csv", str(table), "--seed", "0"], capsys)
    assert rc == 0 and "seasonal-naive(11)" in out and "linear-ar(aic=" in out
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == 9 and {r["k"] for r in rows} == {"1", "12", "free"}


def test_plot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, _ = run(["series", "plot", "synthetic", "--model", "mlp", "--test", "396",
                    "--out", str(tmp_path / "p"), *FAST[:2], "--device", "cpu"], capsys)
    assert rc == 0
    assert sorted(p.name for p in (tmp_path / "p").iterdir()) == [
        "book_figure.png", "error_vs_k.png", "k_step.png"]


def write(tmp_path: Path, text: str) -> str:
    p = tmp_path / f"s{len(list(tmp_path.glob('*.csv')))}.csv"
    p.write_text(text)
    return str(p)


def test_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ev = ["series", "evaluate"]
    cases = [
        ([*ev, write(tmp_path, "v\n1\n2\n3\n"), "--models", "ar", "--tau", "4", "--test", "1"],
         "tau+1"),
        ([*ev, write(tmp_path, "v\n1\nnan\n3\n")], "missing value"),
        ([*ev, write(tmp_path, "v\n1\ninf\n3\n")], "not finite"),
        ([*ev, write(tmp_path, "a,b\n1,x\n2,y\n"), "--column", "b"], "not a number"),
        ([*ev, write(tmp_path, "a,b\n1,2\n"), "--column", "c"], "no column 'c'"),
        ([*ev, "synthetic", "--tau", "0"], "tau must be a positive integer"),
        ([*ev, "synthetic", "--tau", "x"], "tau must be"),
        ([*ev, "synthetic", "--models", "naive", "--ks", "1,500"], "larger than the test span"),
        ([*ev, "synthetic", "--models", "tcn"], "unknown model"),
        ([*ev, "nile", "--models", "seasonal-naive", "--ks", "1"], "season"),
        ([*ev, str(tmp_path / "none.csv")], "no such file"),
        (["series", "predict", str(tmp_path / "none.pt")], "no such model file"),
        (["series", "fit", "synthetic", "--model", "ar,naive"], "one model"),
        (["series", "fit", "synthetic", "--model", "latent", "--burn-in", "64"], "burn_in"),
        (["series", "fit", "synthetic", "--model", "latent", "--lr", "nan", *FAST[2:]],
         "learning rate"),
    ]
    for args, needle in cases:
        rc, _, err = run(args, capsys)
        assert_one_line_error(rc, err, needle)
    assert not (tmp_path / "series-model.pt").exists()


def test_fit_resumes_from_a_checkpoint(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """2 epochs + resume to 4 gives the same model as 4 epochs in one go (exact resume)."""
    from seqlm.series.persist import load_model

    common = ["series", "fit", "sunspots", "--model", "latent", "--hidden", "4", "--device",
              "cpu", "--threads", "1", "--seed", "5", "--no-progress"]
    assert main([*common, "--epochs", "4", "--out", str(tmp_path / "a.pt")]) == 0
    assert main([*common, "--epochs", "2", "--run-dir", str(tmp_path / "run"),
                 "--out", str(tmp_path / "half.pt")]) == 0
    assert (tmp_path / "run" / "last.pt").is_file()
    assert main([*common, "--epochs", "4", "--run-dir", str(tmp_path / "run"), "--resume",
                 str(tmp_path / "run" / "last.pt"), "--out", str(tmp_path / "b.pt")]) == 0
    a, _ = load_model(tmp_path / "a.pt")
    b, _ = load_model(tmp_path / "b.pt")
    for (k, va), vb in zip(a.state_dict().items(), b.state_dict().values(), strict=True):
        assert torch.equal(va, vb), k
    rc, _, err = run([*common, "--model", "ar", "--run-dir", str(tmp_path / "x")], capsys)
    assert_one_line_error(rc, err, "neural models")
    rc, _, err = run([*common, "--resume", str(tmp_path / "nope.pt")], capsys)
    assert_one_line_error(rc, err, "no such checkpoint")


def test_free_running_interval_widens(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    model = tmp_path / "ar.pt"
    assert main(["series", "fit", "synthetic", "--model", "ar", "--out", str(model)]) == 0
    capsys.readouterr()
    rc, out, _ = run(["series", "predict", str(model), "--mode", "free", "--horizon", "50",
                      "--interval", "0.9"], capsys)
    rows = list(csv.DictReader(out.strip().splitlines()))
    width = [float(r["upper"]) - float(r["lower"]) for r in rows]
    assert rc == 0 and len(rows) == 50 and width[-1] > width[0]
