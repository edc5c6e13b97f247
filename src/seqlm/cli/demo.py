"""``seqlm demo``: the seed's story end to end (library: :mod:`seqlm.demo`)."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from seqlm.cli.common import echo, seed_everything


def demo(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for plots and models."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    quick: bool = typer.Option(False, "--quick", help="Shorter training (for smoke tests)."),
    embedded: bool = typer.Option(
        False, "--embedded", help="Use the corpus that ships with Python, never download."
    ),
) -> None:
    """Tell the seed's story: data, n-gram models, RNNs and series models."""
    from seqlm.demo import run_demo

    seed_everything(seed)
    t0 = time.perf_counter()
    run_demo(out, seed, quick, embedded, echo=echo)
    echo(f"\ndone in {time.perf_counter() - t0:.0f} s; pictures in {out}/")
