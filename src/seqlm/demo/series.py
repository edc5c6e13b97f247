"""Demo section: the synthetic series -- one-step prediction is easy, k-step errors compound."""

from __future__ import annotations

from typing import Any

import numpy as np

from seqlm.demo.context import DemoContext, demo_section
from seqlm.series.build import build_model
from seqlm.series.data import synthetic
from seqlm.series.evaluate import Score
from seqlm.series.experiment import run_experiment
from seqlm.series.plots import plot_book_figure, plot_error_vs_k, plot_k_step
from seqlm.series.predict import free_running, k_step, one_step
from seqlm.series.windows import split_windows

KS = (1, 4, 16, 64)


@demo_section("series", order=40)
def run(ctx: DemoContext) -> None:
    """Fit AR(4), the book's MLP and a latent GRU on 600 windows; compare 1..64-step errors."""
    ctx.section("Series: Markov models vs a latent state, and why k-step prediction is hard")
    s = synthetic(T=1000, seed=ctx.seed)
    y = s.values
    time = np.arange(1, len(y) + 1, dtype=float)
    split = split_windows(len(y), 4, 600)
    neural: dict[str, Any] = {"epochs": 10 if ctx.quick else 30, "seed": ctx.seed, "device": "cpu"}
    models = {"naive": build_model("naive"), "ar": build_model("ar", 4),
              "mlp": build_model("mlp", 4, **{**neural, "epochs": 10}),
              "latent": build_model("latent", hidden=16, **neural)}
    ctx.say(f"x_t = sin(0.01 t) + N(0, 0.2^2), T = 1000; train on the first 600 windows "
            f"(tau = 4), test on {split.test_len} targets; noise floor MSE 0.04")
    scores = run_experiment(models, y, split, KS)
    by = {(sc.model, sc.k): sc for sc in scores}
    names = [m.name for m in models.values()]
    ctx.say(f"{'test MSE':<16}" + "".join(f"{f'k={k}':>9}" for k in KS) + f"{'free':>9}")
    for name in names:
        ctx.say(f"{name:<16}" + "".join(f"{by[(name, k)].mse:>9.4f}" for k in (*KS, 0)))
    _story(ctx, by, names)
    gru = models["latent"]
    plot_book_figure(time, y, one_step(gru, y, 1), 1, free_running(gru, y, split.test_start),
                     split.test_start, ctx.out / "series_book_figure.png",
                     f"{gru.name}: observed, 1-step and multi-step predictions")
    plot_k_step(time, y, k_step(gru, y, KS, split.test_start), ctx.out / "series_k_step.png",
                f"{gru.name}: k-step-ahead predictions")
    plot_error_vs_k([sc for sc in scores if sc.model != "naive"],
                    ctx.out / "series_error_vs_k.png", floor=0.04, title="test MSE vs k")
    ctx.say(f"pictures: {ctx.out}/series_book_figure.png, series_k_step.png, "
            "series_error_vs_k.png")


def _story(ctx: DemoContext, by: dict[tuple[str, int], Score], names: list[str]) -> None:
    ar, gru = names[1], names[3]
    ctx.say(f"1-step: every model is near the noise floor ({by[(gru, 1)].mse:.3f} for the "
            f"latent GRU, {by[(ar, 1)].mse:.3f} for AR(4)): it always sees real data.")
    ctx.say(f"k-step: each prediction feeds the next, so errors compound -- AR(4) goes "
            f"{by[(ar, 1)].mse:.3f} -> {by[(ar, 64)].mse:.3f} from k=1 to k=64; free-running "
            f"over the whole test span the forecasts decay to a guess ({by[(ar, 0)].mse:.2f}).")
