"""``seqlm series``: fit, predict, evaluate and plot forecasters of real-valued series."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import typer

from seqlm.cli.common import echo, seed_everything
from seqlm.errors import ConfigError, DataError
from seqlm.io import atomic_write

app = typer.Typer(help="Real-valued series: Markov MLP, linear AR, latent RNN, k-step prediction.",
                  no_args_is_help=True)

DATA = typer.Argument(..., help="synthetic | sunspots | co2 | nile | a .csv or .npy file.")
COLUMN = typer.Option(None, "--column", help="CSV column (name or 0-based index).")
TIME_COLUMN = typer.Option(None, "--time-column", help="CSV column with time labels.")
FILL = typer.Option("error", "--fill", help="Missing CSV values: error|ffill|interpolate|drop.")
SEASON = typer.Option(None, "--season", help="Season length (seasonal-naive baseline).")
TEST = typer.Option("0.2", "--test", help="Test span: a fraction (0.2) or a count (the book: 396).")
VALID = typer.Option("0", "--valid", help="Validation span before the test span (early stop).")
TAU = typer.Option("4", "--tau", help="Lags tau (ar also takes 'aic').")
SEED = typer.Option(0, "--seed", help="Random seed: the same seed gives the same numbers.")
DEVICE = typer.Option("auto", "--device", help="auto | cpu | cuda.")
THREADS = typer.Option(0, "--threads", min=0, help="CPU threads for torch (0 = default).")
EPOCHS = typer.Option(None, "--epochs", help="Training epochs (neural models).")
LR = typer.Option(None, "--lr", help="Learning rate (Adam).")
CLIP = typer.Option(1.0, "--clip", help="Gradient clipping threshold theta.")
HIDDEN = typer.Option(16, "--hidden", help="Latent state size of the RNN.")
CELL = typer.Option("gru", "--cell", help="rnn | gru | lstm.")
SEQ_LEN = typer.Option(64, "--seq-len", help="Latent model: training sequence length = the "
                       "context read before each forecast.")
BURN_IN = typer.Option(16, "--burn-in", help="Latent model: steps not scored in training.")
KS = typer.Option("1,4,16,64", "--ks", help="Comma-separated k for k-step-ahead prediction.")


def _ints(text: str, what: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ConfigError(f"{what} must be comma-separated integers, got {text!r}") from None


def _span(text: str, what: str) -> float | int:
    try:
        return int(text) if text.strip().isdigit() else float(text)
    except ValueError:
        raise ConfigError(f"{what} must be a fraction or a count, got {text!r}") from None


def _data_spec(source: str, column: str | None, time_column: str | None, fill: str,
               season: int | None, seed: int) -> dict[str, Any]:
    return {"source": source, "column": column, "time_column": time_column, "fill": fill,
            "season": season, "seed": seed}


def _load(spec: dict[str, Any]) -> Any:
    from seqlm.series.build import load_series

    return load_series(spec["source"], spec["column"], spec["time_column"], spec["fill"],
                       spec["season"], seed=spec["seed"])


def _split(n: int, tau: int, test: str, valid: str) -> Any:
    from seqlm.series.windows import split_series

    return split_series(n, tau, _span(test, "--test"), _span(valid, "--valid"))


def _models(names: str, tau: str, season: int | None, hidden: int, cell: str, epochs: int | None,
            lr: float | None, clip: float, seed: int, device: str, progress: bool = False,
            seq_len: int = 64, burn_in: int = 16) -> dict[str, Any]:
    from seqlm.series.build import build_model, parse_tau

    t = parse_tau(tau)
    out = {}
    for name in [n.strip() for n in names.split(",") if n.strip()]:
        m = build_model(name, t, season, hidden, cell, seq_len=seq_len, burn_in=burn_in,
                        epochs=epochs, lr=lr, clip=clip, seed=seed, device=device,
                        progress=progress)
        out[m.name] = m
    if not out:
        raise ConfigError("give at least one model")
    return out


def _one(models: dict[str, Any]) -> Any:
    if len(models) != 1:
        raise ConfigError(f"--model takes one model name, got {len(models)}")
    return next(iter(models.values()))


def _min_tau(tau: str) -> int:
    from seqlm.series.build import parse_tau

    t = parse_tau(tau)
    return 1 if t == "aic" else int(t)


@app.command("fit")
def fit_cmd(
    data: str = DATA,
    model: str = typer.Option("latent", "--model", help="naive|seasonal-naive|ar|mlp|latent."),
    out: Path = typer.Option(Path("series-model.pt"), "--out", help="Where to save the model."),
    tau: str = TAU, test: str = TEST, valid: str = VALID,
    column: str = COLUMN, time_column: str = TIME_COLUMN,
    fill: str = FILL, season: int = SEASON, hidden: int = HIDDEN, cell: str = CELL,
    seq_len: int = SEQ_LEN, burn_in: int = BURN_IN, epochs: int = EPOCHS, lr: float = LR,
    clip: float = CLIP, seed: int = SEED,
    device: str = DEVICE, threads: int = THREADS,
    run_dir: Path = typer.Option(None, "--run-dir", help="Keep training checkpoints and logs "
                                 "here (neural models; Ctrl-C saves, --resume continues)."),
    resume: Path = typer.Option(None, "--resume", help="Continue from this checkpoint."),
    progress: bool = typer.Option(False, "--progress", help="Show a progress bar."),
) -> None:
    """Fit one model on the training part of a chronological split and save it."""
    from seqlm.series.experiment import fit_split
    from seqlm.series.persist import save_model
    from seqlm.series.predict import one_step

    seed_everything(seed, threads)
    spec = _data_spec(data, column, time_column, fill, season, seed)
    y = _load(spec).values
    split = _split(len(y), _min_tau(tau), test, valid)
    m = _one(_models(model, tau, season, hidden, cell, epochs, lr, clip, seed, device,
                     progress, seq_len, burn_in))
    neural = model in ("mlp", "latent")
    if (run_dir is not None or resume is not None) and not neural:
        raise ConfigError("--run-dir and --resume apply to the neural models (mlp, latent)")
    if resume is not None and not resume.is_file():
        raise DataError(f"no such checkpoint: {resume}")
    fit_split(m, y, split, **({"out": run_dir, "resume": resume} if neural else {}))
    save_model(m, out, extra={"data": spec, "split": [split.n, split.train_end,
                                                      split.test_start]})
    start = max(m.min_history, split.test_start)
    test_mse = float(np.mean((one_step(m, y, start) - y[start:]) ** 2))
    echo(f"{m.name}: fitted on {split.train_end} values, 1-step test MSE {test_mse:.4g} "
         f"({len(y) - start} targets); saved {out}")


@app.command("predict")
def predict_cmd(
    model_file: Path = typer.Argument(..., help="A model saved by 'seqlm series fit'."),
    data: str = typer.Option(None, "--data", help="Series to predict (default: the fit's data)."),
    mode: str = typer.Option("one-step", "--mode", help="one-step | free | k-step."),
    start: int = typer.Option(None, "--start", help="First predicted index (default: test start)."),
    ks: str = typer.Option("1,4,16,64", "--ks", help="k values for --mode k-step."),
    horizon: int = typer.Option(None, "--horizon", help="Steps for --mode free (default: to end)."),
    interval: float = typer.Option(None, "--interval", help="Add a residual-quantile interval "
                                   "at this level (e.g. 0.9), calibrated before --start."),
    out: Path = typer.Option(None, "--out", help="Write predictions as CSV here."),
    column: str = COLUMN, time_column: str = TIME_COLUMN, fill: str = FILL, seed: int = SEED,
) -> None:
    """Predict with a saved model: one-step, free-running, or k-step-ahead over a span."""
    from seqlm.series.intervals import residual_quantiles
    from seqlm.series.persist import load_model
    from seqlm.series.predict import check_ks, free_running, k_step, one_step

    seed_everything(seed)
    m, extra = load_model(model_file)
    spec = dict(extra.get("data") or {})
    if data is not None or not spec:
        spec = _data_spec(data or "synthetic", column, time_column, fill, None, seed)
    y = _load(spec).values
    split = extra.get("split")
    start = start if start is not None else (split[2] if split and split[0] == len(y)
                                             else len(y) - max(1, len(y) // 5))
    if not m.min_history <= start < len(y):
        raise DataError(f"--start must lie in [{m.min_history}, {len(y) - 1}], got {start}")
    rows: list[tuple[int, int | str, float]] = []
    if mode == "one-step":
        rows = [(start + i, 1, p) for i, p in enumerate(one_step(m, y, start))]
    elif mode == "free":
        stop = len(y) if horizon is None else start + horizon
        if horizon is not None and horizon < 1:
            raise ConfigError(f"--horizon must be >= 1, got {horizon}")
        rows = [(start + i, "free", p) for i, p in enumerate(free_running(m, y, start, stop))]
    elif mode == "k-step":
        res = k_step(m, y, check_ks(_ints(ks, "--ks"), len(y) - start), start)
        rows = [(int(t), k, p) for k in res.pred for t, p in zip(res.targets[k], res.pred[k],
                                                                  strict=True)]
    else:
        raise ConfigError(f"--mode must be one-step, free or k-step, got {mode!r}")
    bounds: dict[int, tuple[float, float]] = {}

    def steps(t: int, k: int | str) -> int:  # free-running: the j-th value is a j-step forecast
        return t - start + 1 if k == "free" else int(k)

    if interval is not None:
        kset = sorted({steps(t, k) for t, k, _ in rows})
        calib = max(m.min_history, start // 2)
        if start - calib <= max(kset):
            raise DataError("too little data before --start to calibrate an interval")
        bounds = residual_quantiles(m, y, kset, calib, start, interval)
    header = "index,k,observed,prediction" + (",lower,upper" if bounds else "")
    lines = [header]
    for t, k, p in rows:
        obs = f"{y[t]:.6g}" if t < len(y) else ""
        line = f"{t},{k},{obs},{p:.6g}"
        if bounds:
            lo, hi = bounds[steps(t, k)]
            line += f",{p + lo:.6g},{p + hi:.6g}"
        lines.append(line)
    if out is not None:
        with atomic_write(out) as fh:
            fh.write("\n".join(lines) + "\n")
        echo(f"wrote {len(rows)} predictions to {out}")
    else:
        echo("\n".join(lines))


@app.command("evaluate")
def evaluate_cmd(
    data: str = DATA,
    models: str = typer.Option("naive,ar,mlp,latent", "--models",
                               help="Comma-separated: naive,seasonal-naive,ar,mlp,latent."),
    ks: str = KS, csv: Path = typer.Option(None, "--csv", help="Also write the table as CSV."),
    tau: str = TAU, test: str = TEST, valid: str = VALID,
    column: str = COLUMN, time_column: str = TIME_COLUMN, fill: str = FILL, season: int = SEASON,
    hidden: int = HIDDEN, cell: str = CELL, seq_len: int = SEQ_LEN, burn_in: int = BURN_IN,
    epochs: int = EPOCHS, lr: float = LR,
    clip: float = CLIP, seed: int = SEED, device: str = DEVICE, threads: int = THREADS,
) -> None:
    """Fit the models on a split and print MSE / RMSE / MAE per model and k on the test span."""
    from seqlm.series.evaluate import format_table, write_csv
    from seqlm.series.experiment import run_experiment
    from seqlm.series.predict import check_ks

    seed_everything(seed, threads)
    series = _load(_data_spec(data, column, time_column, fill, season, seed))
    y = series.values
    split = _split(len(y), _min_tau(tau), test, valid)
    k_list = check_ks(_ints(ks, "--ks"), split.test_len)
    ms = _models(models, tau, season or series.season, hidden, cell, epochs, lr, clip, seed,
                 device, False, seq_len, burn_in)
    scores = run_experiment(ms, y, split, k_list)
    echo(f"{series.name}: {len(y)} values, train {split.train_end}, "
         f"test {split.test_len} (k = 'free': free-running over the whole test span)")
    echo(format_table(scores))
    if csv is not None:
        write_csv(scores, csv)
        echo(f"wrote {csv}")


@app.command("plot")
def plot_cmd(
    data: str = DATA,
    model: str = typer.Option("latent", "--model", help="naive|seasonal-naive|ar|mlp|latent."),
    out: Path = typer.Option(Path("series-plots"), "--out", help="Folder for the PNG files."),
    ks: str = KS, tau: str = TAU, test: str = TEST, valid: str = VALID,
    column: str = COLUMN, time_column: str = TIME_COLUMN,
    fill: str = FILL, season: int = SEASON, hidden: int = HIDDEN, cell: str = CELL,
    seq_len: int = SEQ_LEN, burn_in: int = BURN_IN, epochs: int = EPOCHS, lr: float = LR,
    clip: float = CLIP, seed: int = SEED,
    device: str = DEVICE, threads: int = THREADS,
) -> None:
    """The book's figure (data / 1-step / multi-step), k-step predictions and error vs k."""
    from seqlm.series.evaluate import evaluate
    from seqlm.series.experiment import fit_split
    from seqlm.series.plots import plot_book_figure, plot_error_vs_k, plot_k_step
    from seqlm.series.predict import check_ks, free_running, k_step, one_step

    seed_everything(seed, threads)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} exists and is not a folder")
    series = _load(_data_spec(data, column, time_column, fill, season, seed))
    y = series.values
    time = series.time if series.time is not None and series.time.dtype != object else \
        np.arange(len(y), dtype=float)
    split = _split(len(y), _min_tau(tau), test, valid)
    k_list = check_ks(_ints(ks, "--ks"), split.test_len)
    m = _one(_models(model, tau, season or series.season, hidden, cell, epochs, lr, clip, seed,
                     device, False, seq_len, burn_in))
    fit_split(m, y, split)
    s0 = m.min_history
    plot_book_figure(time, y, one_step(m, y, s0), s0, free_running(m, y, split.test_start),
                     split.test_start, out / "book_figure.png", f"{m.name} on {series.name}")
    plot_k_step(time, y, k_step(m, y, k_list, split.test_start), out / "k_step.png",
                f"k-step-ahead predictions, {m.name}")
    plot_error_vs_k(evaluate({m.name: m}, y, split.test_start, k_list, free=False),
                    out / "error_vs_k.png", title=f"test error vs k, {series.name}")
    echo(f"wrote {out}/book_figure.png, k_step.png, error_vs_k.png")
