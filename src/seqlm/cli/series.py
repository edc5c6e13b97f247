"""``seqlm series``: fit, predict, evaluate and plot forecasters of real-valued series."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import typer

from seqlm.cli.common import echo, emit_json, output_file, seed_everything
from seqlm.cli.config import ConfigOption, options
from seqlm.errors import ConfigError, DataError, first_line
from seqlm.io import atomic_write, check_output_dir

EXAMPLES = "\b\nExample:\n  "

app = typer.Typer(help="Real-valued series: auto (the default), linear AR, Markov MLP, latent "
                  "RNN; k-step prediction and forecasts past the end of the data.",
                  no_args_is_help=True)
MODEL_HELP = ("auto (default: chooses preprocessing, lags and a neural residual on validation) | "
              "naive | seasonal_naive | linear_ar (alias ar) | mlp | latent.")
MAX_SEASON = 10_000

DATA = typer.Argument(..., help="synthetic | sunspots | co2 | nile | a .csv or .npy file.")
COLUMN = typer.Option(None, "--column", help="CSV column (name or 0-based index).")
TIME_COLUMN = typer.Option(None, "--time-column", help="CSV column with time labels.")
FILL = typer.Option("error", "--fill", help="Missing CSV values: error|ffill|interpolate|drop.")
SEASON = typer.Option(None, "--season", min=1, max=MAX_SEASON,
                      help="Season length (default: from the dates or detected by auto).")
HORIZON = typer.Option(12, "--horizon", min=1, max=100_000,
                       help="Steps ahead auto validates (and forecast predicts).")
STRATEGY = typer.Option("auto", "--strategy", help="Multi-step: recursive (feed forecasts "
                        "back) or direct (ar: one fit per step; mlp: a head of --horizon "
                        "outputs); auto: auto validates both, the others are recursive.")
MAX_LAGS = typer.Option(None, "--max-lags", min=1, max=1000,
                        help="Largest lag order AIC may choose (default: max(12, 2*season+1)).")
TEST = typer.Option("0.2", "--test", help="Test span: a fraction (0.2) or a count (the book: "
                    "396); 0 in fit: train on every value.")
VALID = typer.Option("0", "--valid", help="Validation span before the test span (early stop).")
TAU = typer.Option("4", "--tau", help="Lags tau of ar/mlp ('aic': the order AIC picks).")
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


def _split(n: int, tau: int, test: str, valid: str, empty_test: bool = False) -> Any:
    from seqlm.series.windows import split_series

    return split_series(n, tau, _span(test, "--test"), _span(valid, "--valid"), empty_test)


def _models(names: str, tau: str, season: int | None, hidden: int, cell: str, epochs: int | None,
            lr: float | None, clip: float, seed: int, device: str, progress: bool = False,
            seq_len: int = 64, burn_in: int = 16, **extra: Any) -> dict[str, Any]:
    from seqlm.series.build import build_model, parse_tau

    t = parse_tau(tau)
    out: dict[str, Any] = {}
    for name in [n.strip() for n in names.split(",") if n.strip()]:
        m = build_model(name, t, season, hidden, cell, seq_len=seq_len, burn_in=burn_in,
                        epochs=epochs, lr=lr, clip=clip, seed=seed, device=device,
                        progress=progress, **extra)
        out[f"{name}:{m.name}" if m.name in {x.name for x in out.values()} else m.name] = m
    if not out:
        raise ConfigError("give at least one model")
    return out


def _one(models: dict[str, Any]) -> Any:
    if len(models) != 1:
        raise ConfigError(f"--model takes one model name, got {len(models)}")
    return next(iter(models.values()))


def _check_out(out: Path | None, *inputs: str | Path | None, folder: bool = False) -> None:
    """Refuse an output that is an input, a folder (a file, for a folder output), or lies
    under a file: one line, before any work (seqlm.io's shared checks)."""
    if out is None:
        return
    if folder:
        check_output_dir(out, what="--out folder")
    else:
        output_file(out, tuple(i for i in inputs if i is not None), what="--out",
                    stdout_ok=False)


def _write(out: Path, text: str) -> None:
    with atomic_write(out) as fh:
        fh.write(text)


def _min_tau(tau: str) -> int:
    from seqlm.series.build import parse_tau

    t = parse_tau(tau)
    return 1 if t == "aic" else int(t)


PREPROCESS = {
    "difference": typer.Option(0, "--difference", min=0, max=2,
                               help="Difference d times before fitting (undone at prediction)."),
    "seasonal_difference": typer.Option(0, "--seasonal-difference", min=0, max=1,
                                        help="Seasonal differences (needs --season)."),
    "detrend": typer.Option(False, "--detrend", help="Remove a linear trend fitted on the "
                            "training values (added back at prediction)."),
    "window_norm": typer.Option(False, "--window-norm", help="mlp: normalise each window by "
                                "its own mean and spread (RevIN-style)."),
    "seasonal_profile": typer.Option(False, "--seasonal-profile", help="Remove a linear trend "
                                     "and a fixed seasonal profile of --season values, fitted "
                                     "on the training values (added back at prediction)."),
}


@app.command("fit", epilog=EXAMPLES + "seqlm series fit co2 --out co2.pt  (auto; prints its "
             "choices)\n  seqlm series fit co2 --config run.toml  (options from a TOML file)")
def fit_cmd(
    ctx: typer.Context,
    data: str = DATA,
    model: str = typer.Option("auto", "--model", help=MODEL_HELP),
    out: Path = typer.Option(Path("series-model.pt"), "--out", help="Where to save the model."),
    tau: str = TAU, test: str = TEST, valid: str = VALID,
    column: str = COLUMN, time_column: str = TIME_COLUMN,
    fill: str = FILL, season: int = SEASON, horizon: int = HORIZON, max_lags: int = MAX_LAGS,
    strategy: str = STRATEGY, hidden: int = HIDDEN, cell: str = CELL,
    seq_len: int = SEQ_LEN, burn_in: int = BURN_IN, epochs: int = EPOCHS, lr: float = LR,
    clip: float = CLIP, seed: int = SEED,
    device: str = DEVICE, threads: int = THREADS,
    run_dir: Path = typer.Option(None, "--run-dir", help="Keep training checkpoints and logs "
                                 "here (neural models; Ctrl-C saves, --resume continues)."),
    resume: Path = typer.Option(None, "--resume", help="Continue from this checkpoint."),
    refit: bool = typer.Option(False, "--refit", help="After reporting the test error, refit "
                               "on the whole series (for forecasting) before saving."),
    progress: bool = typer.Option(True, "--progress/--no-progress",
                                  help="Show a progress bar (neural models)."),
    difference: int = PREPROCESS["difference"],
    seasonal_difference: int = PREPROCESS["seasonal_difference"],
    detrend: bool = PREPROCESS["detrend"], window_norm: bool = PREPROCESS["window_norm"],
    seasonal_profile: bool = PREPROCESS["seasonal_profile"],
    config: Path = ConfigOption,
) -> None:
    """Fit one model on the training part of a chronological split and save it."""
    fit_model(SimpleNamespace(**options(ctx, config)))


def fit_model(a: SimpleNamespace) -> None:
    """``series fit`` with its options resolved (command line > --config file > defaults)."""
    from seqlm.series.experiment import fit_split
    from seqlm.series.persist import save_model
    from seqlm.series.predict import one_step

    seed_everything(a.seed, a.threads)
    _check_out(a.out, a.data, a.resume)
    spec = _data_spec(a.data, a.column, a.time_column, a.fill, a.season, a.seed)
    series = _load(spec)
    y = series.values
    split = _split(len(y), _min_tau(a.tau), a.test, a.valid, empty_test=True)
    m = _one(_models(a.model, a.tau, a.season or series.season, a.hidden, a.cell, a.epochs, a.lr,
                     a.clip, a.seed, a.device, a.progress, a.seq_len, a.burn_in,
                     horizon=a.horizon, max_lags=a.max_lags, difference=a.difference,
                     seasonal_difference=a.seasonal_difference, detrend=a.detrend,
                     seasonal_profile=a.seasonal_profile, window_norm=a.window_norm,
                     strategy=a.strategy))
    neural = getattr(type(m), "kind", "") in ("mlp", "latent")
    if (a.run_dir is not None or a.resume is not None) and not neural:
        raise ConfigError("--run-dir and --resume apply to the neural models (mlp, latent) "
                          "without preprocessing options")
    if a.resume is not None and not a.resume.is_file():
        raise DataError(f"no such checkpoint: {a.resume}")
    try:
        fit_split(m, y, split, **({"out": a.run_dir, "resume": a.resume} if neural else {}))
    except (KeyError, TypeError, ValueError, RuntimeError, AttributeError) as exc:
        if a.resume is None:
            raise
        raise DataError(f"--resume {a.resume}: not a checkpoint of this {a.model} model "
                        f"({type(exc).__name__}: {first_line(exc)})") from None
    _print_choices(m)
    start = max(m.min_history, split.test_start)
    if start < len(y):
        test_mse = float(np.mean((one_step(m, y, start) - y[start:]) ** 2))
        msg = (f"{m.name}: fitted on {split.train_end} values, 1-step test MSE {test_mse:.4g} "
               f"({len(y) - start} targets)")
    else:
        msg = (f"{m.name}: fitted on {split.train_end} values, no test span (--test 0: "
               f"`series forecast` or `series predict` continue from the last value)")
    if a.refit:
        m.fit(y)
        msg += f"; refitted on all {len(y)} values"
    save_model(m, a.out, extra={"data": spec, "split": [split.n, split.train_end,
                                                        split.test_start], "refit": a.refit})
    echo(f"{msg}; saved {a.out}")


def _print_choices(model: Any) -> None:
    for line in getattr(model, "describe", lambda: [])():
        echo(f"  {line}")


@app.command("forecast", epilog=EXAMPLES + "seqlm series forecast sales.csv --horizon 12 "
             "--interval 0.9 --out next.csv")
def forecast_cmd(
    data: str = DATA,
    model: str = typer.Option("auto", "--model", help=MODEL_HELP),
    horizon: int = HORIZON,
    interval: float = typer.Option(None, "--interval", help="Add a prediction interval at "
                                   "this level (e.g. 0.9)."),
    out: Path = typer.Option(None, "--out", help="Write the forecast as CSV here."),
    save: Path = typer.Option(None, "--save", help="Also save the fitted model here."),
    tau: str = TAU, column: str = COLUMN, time_column: str = TIME_COLUMN, fill: str = FILL,
    season: int = SEASON, max_lags: int = MAX_LAGS, strategy: str = STRATEGY,
    hidden: int = HIDDEN, cell: str = CELL,
    seq_len: int = SEQ_LEN, burn_in: int = BURN_IN, epochs: int = EPOCHS, lr: float = LR,
    clip: float = CLIP, seed: int = SEED, device: str = DEVICE, threads: int = THREADS,
) -> None:
    """Fit on the whole series and predict the next --horizon values (dated when it has dates)."""
    from seqlm.series.forecast import forecast
    from seqlm.series.persist import save_model

    seed_everything(seed, threads)
    if interval is not None and not 0 < interval < 1:
        raise ConfigError(f"--interval must be in (0, 1), got {interval}")
    _check_out(out, data)
    _check_out(save, data)
    spec = _data_spec(data, column, time_column, fill, season, seed)
    series = _load(spec)
    m = _one(_models(model, tau, season or series.season, hidden, cell, epochs, lr, clip, seed,
                     device, False, seq_len, burn_in, horizon=horizon, max_lags=max_lags,
                     strategy=strategy))
    m.fit(series.values)
    _print_choices(m)
    fc = forecast(m, series, horizon, interval)
    if save is not None:
        save_model(m, save, extra={"data": spec, "split": [len(series), len(series),
                                                           len(series)], "refit": True})
    if fc.note:
        echo(f"# {fc.note}")
    if out is not None:
        _write(out, fc.csv())
        echo(f"{m.name}: wrote {horizon} forecasts to {out}")
    else:
        echo(fc.csv().rstrip("\n"))


@app.command("predict", epilog=EXAMPLES + "seqlm series predict model.pt --mode k-step --ks 1,4 "
             "--interval 0.9 --out preds.csv")
def predict_cmd(
    model_file: Path = typer.Argument(..., help="A model saved by 'seqlm series fit'."),
    data: str = typer.Option(None, "--data", help="Series to predict (default: the fit's data)."),
    mode: str = typer.Option("one-step", "--mode", help="one-step | free | k-step."),
    start: int = typer.Option(None, "--start", help="First predicted index (default: test start)."),
    ks: str = typer.Option("1,4,16,64", "--ks", help="k values for --mode k-step."),
    horizon: int = typer.Option(None, "--horizon", min=1, max=100_000,
                                help="Steps for --mode free (default: to the end)."),
    interval: float = typer.Option(None, "--interval", help="Add a residual-quantile interval "
                                   "at this level (e.g. 0.9), calibrated before --start."),
    out: Path = typer.Option(None, "--out", help="Write predictions as CSV here."),
    column: str = COLUMN, time_column: str = TIME_COLUMN, fill: str = FILL, seed: int = SEED,
) -> None:
    """Predict with a saved model: one-step, free-running, or k-step-ahead over a span."""
    from seqlm.series.persist import load_model
    from seqlm.series.predictions import default_start, predict_rows, rows_csv

    seed_everything(seed)
    _check_out(out, model_file, data)
    m, extra = load_model(model_file)
    spec = dict(extra.get("data") or {})
    if data is not None or not spec:
        spec = _data_spec(data or "synthetic", column, time_column, fill, None, seed)
    series = _load(spec)
    y = series.values
    split = extra.get("split")
    start = default_start(m, len(y), split if isinstance(split, list) else None) \
        if start is None else start
    rows = predict_rows(m, y, mode, start, _ints(ks, "--ks"), horizon, interval)
    text = rows_csv(rows, y, series.time)
    if out is not None:
        _write(out, text)
        echo(f"wrote {len(rows)} predictions to {out}")
    else:
        echo(text.rstrip("\n"))


@app.command("evaluate", epilog=EXAMPLES + "seqlm series evaluate co2 --models auto,ar "
             "--horizon 12")
def evaluate_cmd(
    data: str = DATA,
    models: str = typer.Option("naive,linear_ar,mlp,latent", "--models",
                               help="Comma-separated model names: " + MODEL_HELP),
    ks: str = KS, csv: Path = typer.Option(None, "--csv", help="Also write the table as CSV."),
    horizon: int = typer.Option(None, "--horizon", min=1, max=100_000,
                                help="Report pooled rolling-origin RMSE/MAE/MASE for h = 1..H "
                                "and per h (instead of the k table)."),
    json_out: bool = typer.Option(False, "--json", help="Print one JSON object."),
    tau: str = TAU, test: str = TEST, valid: str = VALID,
    column: str = COLUMN, time_column: str = TIME_COLUMN, fill: str = FILL, season: int = SEASON,
    max_lags: int = MAX_LAGS, strategy: str = STRATEGY,
    hidden: int = HIDDEN, cell: str = CELL, seq_len: int = SEQ_LEN, burn_in: int = BURN_IN,
    epochs: int = EPOCHS, lr: float = LR,
    clip: float = CLIP, seed: int = SEED, device: str = DEVICE, threads: int = THREADS,
    progress: bool = typer.Option(True, "--progress/--no-progress",
                                  help="Show a progress bar (neural models)."),
) -> None:
    """Fit the models on a split and print their errors on the test span."""
    from dataclasses import asdict

    from seqlm.series.evaluate import (
        format_horizon_table,
        format_table,
        horizon_scores,
        mase_scale,
        write_csv,
    )
    from seqlm.series.experiment import fit_split, run_experiment
    from seqlm.series.predict import check_ks

    seed_everything(seed, threads)
    _check_out(csv, data)
    series = _load(_data_spec(data, column, time_column, fill, season, seed))
    y = series.values
    split = _split(len(y), _min_tau(tau), test, valid)
    ms = _models(models, tau, season or series.season, hidden, cell, epochs, lr, clip, seed,
                 device, progress and not json_out, seq_len, burn_in, horizon=horizon or 12,
                 max_lags=max_lags, strategy=strategy)
    head = (f"{series.name}: {len(y)} values, train {split.train_end}, "
            f"test {split.test_len}")
    if horizon is not None:
        check_ks([horizon], split.test_len)
        scale = mase_scale(y[:split.train_end], season or series.season)
        hs = []
        for m in ms.values():
            fit_split(m, y, split)
            hs += horizon_scores(m.name, m, y, split.test_start, horizon, scale)
        rows: list[Any] = hs
        table = format_horizon_table(hs, horizon)
        head += f" (rolling origin, h = 1..{horizon}; MASE scaled by the training naive MAE)"
    else:
        k_list = check_ks(_ints(ks, "--ks"), split.test_len)
        rows = run_experiment(ms, y, split, k_list)
        table = format_table(rows)
        head += " (k = 'free': free-running over the whole test span)"
    if json_out:
        emit_json({"data": series.name, "values": len(y), "train": split.train_end,
                   "test": split.test_len, "horizon": horizon,
                   "scores": [asdict(r) for r in rows]})
    else:
        echo(head)
        echo(table)
    if csv is not None:
        if horizon is not None:
            _write(csv, _horizon_csv(rows))
        else:
            write_csv(rows, csv)
        if not json_out:
            echo(f"wrote {csv}")


def _horizon_csv(rows: list[Any]) -> str:
    lines = ["model,h,n,rmse,mae,mase"]
    lines += [f"{r.model},{r.h or 'pooled'},{r.n},{r.rmse:.6g},{r.mae:.6g},{r.mase:.6g}"
              for r in rows]
    return "\n".join(lines) + "\n"


@app.command("plot", epilog=EXAMPLES + "seqlm series plot co2 --model auto --out plots/")
def plot_cmd(
    data: str = DATA,
    model: str = typer.Option("auto", "--model", help=MODEL_HELP),
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
    _check_out(out, data, folder=True)
    series = _load(_data_spec(data, column, time_column, fill, season, seed))
    y = series.values
    if np.max(np.abs(y)) > 1e150:
        raise DataError(f"{data}: values up to {np.max(np.abs(y)):.3g} are too large to plot "
                        "and fit (rescale the series)")
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
