"""``seqlm demo``: the seed's story end to end, in a few minutes on two CPU cores."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

import typer

from seqlm.cli.common import seed_everything
from seqlm.cli.demo_context import DemoContext
from seqlm.data.registry import dataset_path, is_cached
from seqlm.data.text import normalise
from seqlm.errors import DatasetError

# One step per part of the library, in the order of the seed's story.
STEPS = ["seqlm.data.demo", "seqlm.ngram.demo", "seqlm.rnn.demo", "seqlm.series.demo"]


def embedded_corpus() -> tuple[str, str]:
    """Python's own reference documentation (pydoc_data), which ships with every CPython."""
    from pydoc_data.topics import topics

    text = "\n\n".join(topics[k] for k in sorted(topics))
    return text, "Python's reference documentation (pydoc_data.topics, ships with Python)"


def demo_corpus(timeout: float = 3.0) -> tuple[str, str]:
    """The Time Machine if cached or reachable (mirror or canonical), else the embedded corpus."""
    try:
        if not is_cached("timemachine"):
            dataset_path("timemachine", timeout=timeout, progress=False)
        text = dataset_path("timemachine").read_text(encoding="utf-8")
        return text, "The Time Machine by H. G. Wells (dataset 'timemachine')"
    except DatasetError:
        return embedded_corpus()


def demo(
    out: Path = typer.Option(Path("demo-out"), "--out", help="Folder for plots and models."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    quick: bool = typer.Option(False, "--quick", help="Shorter training (for smoke tests)."),
    embedded: bool = typer.Option(
        False, "--embedded", help="Use the corpus that ships with Python, never download."
    ),
) -> None:
    """Tell the seed's story: data, n-gram models, RNNs and series models."""
    seed_everything(seed)
    if out.exists() and not out.is_dir():
        raise DatasetError(f"--out {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    raw, source = embedded_corpus() if embedded else demo_corpus()
    ctx = DemoContext(normalise(raw, "letters"), raw, source, out, seed, quick)
    t0 = time.perf_counter()
    for name in STEPS:
        importlib.import_module(name).run(ctx)
    typer.echo(f"\ndone in {time.perf_counter() - t0:.0f} s; pictures in {out}/")
