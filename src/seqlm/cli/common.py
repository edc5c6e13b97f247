"""Options shared by every command (seed, threads) so each sub-command declares them the same."""

from __future__ import annotations

import random

import numpy as np
import typer

SeedOption = typer.Option(0, "--seed", help="Random seed: the same seed gives the same numbers.")
ThreadsOption = typer.Option(
    0, "--threads", help="CPU threads for torch (0 = torch's default).", min=0
)


def seed_everything(seed: int, threads: int = 0) -> None:
    """Seed Python, NumPy and torch; optionally fix torch's CPU thread count."""
    import torch

    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
    if threads:
        torch.set_num_threads(threads)


def echo(msg: str = "") -> None:
    """Print a line of normal output."""
    typer.echo(msg)
