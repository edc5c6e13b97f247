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


def monthly_csv(tmp_path: Path, n: int = 72, header: bool = False) -> Path:
    """A headerless monthly date,value file with a season and a trend."""
    import numpy as np

    rng = np.random.default_rng(0)
    t = np.arange(n)
    y = 100 + t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 1, n)
    rows = [f"{2000 + i // 12}-{i % 12 + 1:02d}-01,{v:.3f}" for i, v in enumerate(y)]
    p = tmp_path / "monthly.csv"
    p.write_text(("date,value\n" if header else "") + "\n".join(rows) + "\n")
    return p


@pytest.mark.parametrize("model", ["linear_ar", "auto"])
def test_forecast_past_the_end_is_dated(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                        model: str) -> None:
    data = monthly_csv(tmp_path)
    out = tmp_path / "f.csv"
    rc, printed, err = run(["series", "forecast", str(data), "--model", model, "--horizon", "14",
                            "--interval", "0.9", "--out", str(out), "--tau", "aic"], capsys)
    assert rc == 0, err
    rows = list(csv.DictReader(out.open()))
    assert [r["index"] for r in rows] == [str(i) for i in range(72, 86)]  # no value was lost
    assert rows[0]["time"] == "2006-01-01" and rows[-1]["time"] == "2007-02-01"
    assert all(float(r["lower"]) < float(r["upper"]) for r in rows)
    saved = tmp_path / "m.pt"  # predict past the end from a saved model: dated too
    assert main(["series", "fit", str(data), "--model", "ar", "--out", str(saved)]) == 0
    rc, printed2, _ = run(["series", "predict", str(saved), "--mode", "free", "--start", "70",
                           "--horizon", "4"], capsys)
    assert rc == 0 and printed2.strip().splitlines()[-1].startswith("73,2006-02-01,free,,")
    if model == "auto":  # every choice printed
        assert "season: 12" in printed and "preprocess:" in printed and "lags:" in printed


def test_fit_on_every_value_then_predict_past_the_end(capsys: pytest.CaptureFixture[str],
                                                       tmp_path: Path) -> None:
    """`fit --test 0` trains on the whole series (no test error to report); the saved model
    forecasts past the last value with `predict --mode free --horizon N` (the default start is
    then the end), dated; one-step at the end, or free without --horizon, is one clear line."""
    import numpy as np

    from seqlm.series.models import LinearAR

    data = monthly_csv(tmp_path)
    saved = tmp_path / "m.pt"
    rc, out, err = run(["series", "fit", str(data), "--model", "ar", "--tau", "3", "--test", "0",
                        "--out", str(saved)], capsys)
    assert rc == 0 and "fitted on 72 values, no test span" in out, err
    rc, out, err = run(["series", "predict", str(saved), "--mode", "free", "--horizon", "2"],
                       capsys)
    lines = out.strip().splitlines()
    assert rc == 0 and len(lines) == 3, err
    assert lines[1].startswith("72,2006-01-01,free,,") and lines[2].startswith("73,2006-02-01")
    y = np.array([float(r.split(",")[1]) for r in data.read_text().split()])
    expect = LinearAR(3).fit(y).predict(2, y)  # the same model fitted by hand on all 72
    assert np.allclose([float(ln.split(",")[-1]) for ln in lines[1:]], expect, rtol=1e-5)
    rc, _, err = run(["series", "predict", str(saved)], capsys)
    assert_one_line_error(rc, err, "--mode free --horizon N")
    rc, _, err = run(["series", "predict", str(saved), "--mode", "free"], capsys)
    assert_one_line_error(rc, err, "give --horizon")


def test_fit_with_a_fixed_seasonal_profile(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    """--seasonal-profile wraps any model (trend + profile removed, added back); it needs a
    season: one line when there is none."""
    data = monthly_csv(tmp_path, header=True)
    rc, out, err = run(["series", "fit", str(data), "--model", "ar", "--tau", "2",
                        "--seasonal-profile", "--out", str(tmp_path / "m.pt")], capsys)
    assert rc == 0 and "linear-ar(2)[detrended + season 12, d=0]" in out, err
    rc, _, err = run(["series", "fit", "synthetic", "--model", "ar", "--seasonal-profile",
                      "--out", str(tmp_path / "s.pt")], capsys)
    assert_one_line_error(rc, err, "--seasonal-profile needs a season")


def test_strategy_direct_per_model(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """--strategy direct: a head of --horizon outputs (mlp), one fit per step (ar); refused in
    one line for a model that has no direct form."""
    rc, out, err = run(["series", "fit", "synthetic", "--model", "mlp", "--strategy", "direct",
                        "--horizon", "3", "--out", str(tmp_path / "m.pt"), *FAST], capsys)
    assert rc == 0 and "mlp(4-10-3 direct)" in out, err
    rc, out, err = run(["series", "fit", "synthetic", "--model", "ar", "--strategy", "direct",
                        "--horizon", "3", "--out", str(tmp_path / "a.pt")], capsys)
    assert rc == 0 and "direct-ar(4, H=3)" in out, err
    rc, _, err = run(["series", "fit", "synthetic", "--model", "latent", "--strategy", "direct",
                      "--out", str(tmp_path / "l.pt"), *FAST], capsys)
    assert_one_line_error(rc, err, "--strategy direct applies to auto, linear_ar and mlp")


def test_evaluate_horizon_json_matches_a_hand_computation(capsys: pytest.CaptureFixture[str],
                                                          tmp_path: Path) -> None:
    import json

    import numpy as np

    data = monthly_csv(tmp_path, header=True)
    rc, out, _ = run(["series", "evaluate", str(data), "--models", "naive", "--horizon", "3",
                      "--test", "20", "--json"], capsys)
    assert rc == 0
    res = json.loads(out)
    y = np.array([float(r["value"]) for r in csv.DictReader(data.open())])
    origins = np.arange(52, 72 - 3 + 1)  # train 52, test 20, h = 1..3
    err = np.stack([y[o:o + 3] - y[o - 1] for o in origins])  # naive: the last value
    pooled = next(s for s in res["scores"] if s["h"] == 0)
    h2 = next(s for s in res["scores"] if s["h"] == 2)
    assert pooled["rmse"] == pytest.approx(float(np.sqrt(np.mean(err**2))))
    assert h2["mae"] == pytest.approx(float(np.mean(np.abs(err[:, 1]))))
    scale = np.mean(np.abs(y[12:52] - y[:40]))  # seasonal naive MAE on the training part
    assert pooled["mase"] == pytest.approx(float(np.mean(np.abs(err))) / scale)


def test_outputs_never_overwrite_inputs(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    import numpy as np

    data = tmp_path / "d.npy"
    np.save(data, np.sin(np.arange(200) / 5))
    before = data.read_bytes()
    model = tmp_path / "m.pt"
    fit = ["series", "fit", str(data), "--model", "ar", "--out"]
    cases = [([*fit, str(data)], "input"), ([*fit, str(tmp_path)], "existing folder"),
             ([*fit, str(data / "x.pt")], "not a folder")]
    for args, needle in cases:
        rc, _, err = run(args, capsys)
        assert_one_line_error(rc, err, needle)
    assert data.read_bytes() == before
    assert main(["series", "fit", str(data), "--model", "ar", "--out", str(model)]) == 0
    saved = model.read_bytes()
    rc, _, err = run(["series", "predict", str(model), "--out", str(model)], capsys)
    assert_one_line_error(rc, err, "input")
    assert model.read_bytes() == saved


def test_damaged_inputs_are_one_line_errors(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    import numpy as np

    good = tmp_path / "m.pt"
    assert main(["series", "fit", "sunspots", "--model", "ar", "--out", str(good)]) == 0
    rec = torch.load(good, weights_only=True)
    damaged = []
    for i, change in enumerate([lambda r: r["model"].pop("meta"),
                                lambda r: r["model"].pop("state"),
                                lambda r: r.__setitem__("extra", [1, 2]),
                                lambda r: r["model"]["meta"].pop("coef")]):
        r = torch.load(good, weights_only=True)
        change(r)
        p = tmp_path / f"bad{i}.pt"
        torch.save(r, p)
        damaged.append(p)
    assert rec["format"] == "seqlm-series-model/2"
    empty, cplx, huge = tmp_path / "e.npy", tmp_path / "c.npy", tmp_path / "h.csv"
    np.save(empty, np.zeros(0))
    np.save(cplx, np.arange(30) + 1j)
    huge.write_text("v\n" + "\n".join(["1e308", "-1e308"] * 30) + "\n")
    lm_ckpt = tmp_path / "lm.pt"
    torch.save({"format": "seqlm.checkpoint/1", "epoch": 1, "optimizer_state": {},
                "model_state": {"embedding.weight": torch.zeros(3, 2)}}, lm_ckpt)
    cases = [(["series", "predict", str(p)], "damaged") for p in damaged] + [
        (["series", "fit", str(empty), "--model", "ar"], "empty"),
        (["series", "fit", str(cplx), "--model", "ar"], "complex"),
        (["series", "plot", str(huge), "--model", "ar", "--out", str(tmp_path / "pl")],
         "too large"),
        (["series", "fit", "sunspots", "--model", "latent", "--resume", str(lm_ckpt),
          "--no-progress", *FAST], "lm.pt"),
        (["series", "forecast", "sunspots", "--horizon", "1000000000"], "horizon"),
        (["series", "evaluate", "sunspots", "--season", "1000000000"], "season"),
        (["series", "predict", str(good), "--mode", "free", "--horizon", "1000000000"],
         "horizon"),
    ]
    for args, needle in cases:
        rc, _, err = run(args, capsys)
        assert_one_line_error(rc, err, needle)


def test_a_model_registered_from_this_file_alone(capsys: pytest.CaptureFixture[str],
                                                 tmp_path: Path) -> None:
    """Issue 11's "how to add a series model": one class here, then fit/save/load/CLI work."""
    from typing import Any

    import numpy as np

    from seqlm.series.models.base import MarkovForecaster
    from seqlm.series.models.registry import SERIES, register
    from seqlm.series.persist import load_model

    @register("toy_mean")
    class ToyMean(MarkovForecaster):
        """x_t predicted by the mean of the last ``tau`` values (tau from --tau)."""

        def __init__(self, tau: int = 3) -> None:
            self.tau, self.name = tau, f"toy-mean({tau})"

        @classmethod
        def from_options(cls, opts: dict[str, Any]) -> ToyMean:
            return cls(int(opts["tau"]))

        def fit(self, y_train: Any, y_valid: Any = None) -> ToyMean:
            return self

        def predict_windows(self, windows: np.ndarray) -> np.ndarray:
            return windows.mean(axis=1)

        def meta(self) -> dict[str, Any]:
            return {"tau": self.tau}

        @classmethod
        def restore(cls, meta: dict[str, Any], state: dict[str, Any]) -> ToyMean:
            return cls(int(meta["tau"]))

    try:
        model = tmp_path / "toy.pt"
        rc, out, _ = run(["series", "fit", "sunspots", "--model", "toy_mean", "--tau", "2",
                          "--out", str(model)], capsys)
        assert rc == 0 and "toy-mean(2)" in out
        loaded, _ = load_model(model)
        assert isinstance(loaded, ToyMean) and loaded.tau == 2
        rc, out, _ = run(["series", "predict", str(model), "--start", "100"], capsys)
        row = out.strip().splitlines()[1].split(",")  # index,time,k,observed,prediction
        from seqlm.series.datasets import load_dataset

        y = load_dataset("sunspots").values
        assert rc == 0 and float(row[4]) == pytest.approx((y[98] + y[99]) / 2, rel=1e-5)
    finally:
        SERIES.unregister("toy_mean")


def test_fit_reads_a_toml_config(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """``series fit --config run.toml``: the file's options, the command line overriding them."""
    cfg = tmp_path / "run.toml"
    cfg.write_text('model = "linear_ar"\ntau = "aic"\ntest = "0.25"\nmax-lags = 6\n')
    model = tmp_path / "m.pt"
    rc, out, _ = run(["series", "fit", "sunspots", "--config", str(cfg), "--out", str(model)],
                     capsys)
    assert rc == 0 and "linear-ar(aic=" in out and "fitted on 232 values" in out, out
    rc, out, _ = run(["series", "fit", "sunspots", "--config", str(cfg), "--tau", "3",
                      "--out", str(model)], capsys)
    assert rc == 0 and "linear-ar(3)" in out, out
    cfg.write_text('modle = "ar"\n')
    rc, _, err = run(["series", "fit", "sunspots", "--config", str(cfg), "--out", str(model)],
                     capsys)
    assert_one_line_error(rc, err, "unknown option(s) modle")
