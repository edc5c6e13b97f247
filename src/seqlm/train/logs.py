"""Training logs: CSV files (written whole and atomically each time), PNG plots, and
TensorBoard event files when TensorBoard is installed."""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from seqlm.io import atomic_path, atomic_write


def write_csv(path: str | os.PathLike[str], rows: Sequence[dict[str, Any]]) -> Path:
    """Write ``rows`` (dicts with the same keys) as CSV, atomically; floats in repr precision."""
    target = Path(path)
    with atomic_write(target, "w", newline="") as fh:
        if rows:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return target


def tensorboard_writer(folder: str | os.PathLike[str]) -> Any | None:
    """A SummaryWriter on ``folder/tensorboard`` if TensorBoard is installed, else None."""
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:  # torch raises it when the tensorboard package is missing
        return None
    return SummaryWriter(log_dir=str(Path(folder) / "tensorboard"))


def log_scalars(writer: Any, row: dict[str, Any], step_key: str, group: str) -> None:
    """Every finite number of ``row`` as ``group/key`` at step ``row[step_key]``."""
    step = int(row[step_key])
    for key, value in row.items():
        if key != step_key and isinstance(value, (int, float)) and math.isfinite(value):
            writer.add_scalar(f"{group}/{key}", value, step)
    writer.flush()


def plot_metric(history: Sequence[dict[str, Any]], metric: str, path: str | os.PathLike[str],
                title: str = "") -> Path:
    """Train and validation figure (perplexity or MSE) per epoch; log scale if it spans >10x."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    epochs = [r["epoch"] for r in history]
    values: list[float] = []
    for key, label in ((f"train_{metric}", "train"), (f"valid_{metric}", "validation")):
        ys = [r.get(key, math.nan) for r in history]
        ys = [y if y is not None else math.nan for y in ys]
        if any(math.isfinite(y) for y in ys):
            ax.plot(epochs, ys, marker="o", label=label)
            values += [y for y in ys if math.isfinite(y) and y > 0]
    if values and max(values) / min(values) > 10:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.set_title(title or f"{metric} per epoch")
    if ax.lines:
        ax.legend()
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return Path(path)


def plot_grad_norms(series: dict[str, Sequence[dict[str, Any]]], path: str | os.PathLike[str],
                    clip: float | None = None, title: str = "") -> Path:
    """Gradient norm before clipping per logging interval, one line per run (label -> intervals)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for label, rows in series.items():
        steps = [r["step"] for r in rows]
        (line,) = ax.plot(steps, [r["grad_norm_mean"] for r in rows], label=f"{label} (mean)")
        ax.plot(steps, [r["grad_norm_max"] for r in rows], alpha=0.5, linestyle=":",
                color=line.get_color(), label=f"{label} (max)")
    if clip is not None:
        ax.axhline(clip, color="k", linestyle="--", linewidth=1, label=f"clip theta={clip:g}")
    ax.set_yscale("log")
    ax.set_xlabel("training step")
    ax.set_ylabel("||g|| before clipping")
    ax.set_title(title or "gradient norm")
    ax.legend(fontsize=8)
    fig.tight_layout()
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return Path(path)
