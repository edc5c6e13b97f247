"""Pictures: the book's observed / one-step / multi-step figure, k-step predictions, error vs k."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from seqlm.io import atomic_path
from seqlm.series.evaluate import Score
from seqlm.series.predict import KStep


def _figure(width: float = 8, height: float = 3.5) -> tuple[Any, Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt, *plt.subplots(figsize=(width, height))


def _save(plt: Any, fig: Any, path: str | Path) -> None:
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=Path(path).suffix.lstrip(".") or "png", dpi=110)
    plt.close(fig)


def plot_book_figure(time: np.ndarray, y: np.ndarray, one_step: np.ndarray, start_one: int,
                     free: np.ndarray, start_free: int, path: str | Path,
                     title: str = "") -> None:
    """Observed data, one-step-ahead predictions and free-running predictions on one axis."""
    plt, fig, ax = _figure()
    ax.plot(time, y, lw=0.8, color="0.6", label="data")
    ax.plot(time[start_one:start_one + len(one_step)], one_step, lw=1, label="1-step preds")
    shown = np.clip(free, np.min(y) - 3 * np.ptp(y), np.max(y) + 3 * np.ptp(y))
    ax.plot(time[start_free:start_free + len(free)], shown, lw=1, label="multistep preds")
    ax.axvline(time[start_free], color="k", ls=":", lw=0.8)
    ax.set(xlabel="time", ylabel="x", title=title)
    ax.legend(loc="best", fontsize=8)
    _save(plt, fig, path)


def plot_k_step(time: np.ndarray, y: np.ndarray, ks: KStep, path: str | Path,
                title: str = "") -> None:
    """k-step-ahead predictions for each k against the data."""
    plt, fig, ax = _figure()
    lo = min(int(t[0]) for t in ks.targets.values())
    ax.plot(time[lo:], y[lo:], lw=0.8, color="0.6", label="data")
    for k in sorted(ks.pred):
        ax.plot(time[ks.targets[k]], ks.pred[k], lw=1, label=f"{k}-step preds")
    ax.set(xlabel="time", ylabel="x", title=title)
    ax.legend(loc="best", fontsize=8)
    _save(plt, fig, path)


def plot_error_vs_k(scores: Sequence[Score], path: str | Path, metric: str = "mse",
                    floor: float | None = None, title: str = "") -> None:
    """Test error against k (log x axis), one line per model; optional noise-floor line."""
    plt, fig, ax = _figure(6, 4)
    by_model: dict[str, list[Score]] = {}
    for s in scores:
        if s.k > 0:
            by_model.setdefault(s.model, []).append(s)
    for name, rows in by_model.items():
        rows = sorted(rows, key=lambda s: s.k)
        ax.plot([s.k for s in rows], [getattr(s, metric) for s in rows], marker="o", label=name)
    if floor is not None:
        ax.axhline(floor, color="k", ls=":", lw=0.8, label="noise floor")
    ax.set(xscale="log", yscale="log", xlabel="k (steps ahead)", ylabel=metric.upper(),
           title=title)
    ax.legend(loc="best", fontsize=8)
    _save(plt, fig, path)
