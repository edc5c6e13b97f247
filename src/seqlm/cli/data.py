"""``seqlm data``: list, describe, fetch and count the registered corpora."""

from __future__ import annotations

from pathlib import Path

import typer

from seqlm.cli.common import echo
from seqlm.data.corpus import load_text
from seqlm.data.registry import REGISTRY, cache_dir, fetch, get_dataset, is_cached
from seqlm.data.stats import corpus_stats, zipf_plot
from seqlm.data.tokenize import get_tokenizer
from seqlm.errors import ConfigError

app = typer.Typer(help="Registered corpora: list, info, fetch, stats.", no_args_is_help=True)


@app.command("list")
def list_cmd() -> None:
    """List the registered datasets and whether each is cached."""
    for name in sorted(REGISTRY):
        ds = REGISTRY[name]
        mark = "cached" if all(is_cached(name, s) for s in ds.splits) else "-"
        echo(f"{name:<16} {mark:<7} {ds.description}")


@app.command("info")
def info_cmd(name: str = typer.Argument(..., help="Dataset name.")) -> None:
    """Show a dataset's source, checksums, splits and cache location."""
    ds = get_dataset(name)
    echo(f"name:        {ds.name}")
    echo(f"description: {ds.description}")
    per_file = ds.url is None and all(f.url for f in ds.files)
    source = "(one address per file, below)" if per_file else ds.url
    echo(f"source:      {source or '(mirror only: set SEQLM_MIRROR)'}")
    if ds.archive_sha1:
        echo(f"archive sha1: {ds.archive_sha1}")
    echo(f"license:     {ds.license}")
    echo(f"cache:       {cache_dir() / ds.name}")
    for f in ds.files:
        state = "cached" if is_cached(name, f.split) else "not cached"
        echo(f"  {f.split:<12} {f.mirror_path:<28} sha1 {f.sha1}  {state}")
        if f.url:
            echo(f"  {'':<12} {f.url}")


@app.command("fetch")
def fetch_cmd(
    name: str = typer.Argument(..., help="Dataset name."),
    mirror: str = typer.Option(None, help="Base URL (http:// or file://) of a mirror."),
) -> None:
    """Download a dataset into the cache and verify its checksums."""
    root = fetch(name, mirror=mirror)
    echo(f"{name}: {root}")


@app.command("stats")
def stats_cmd(
    source: str = typer.Argument(..., help="Dataset name or path to a UTF-8 text file."),
    split: str = typer.Option(None, help="Split of a registered dataset (train/valid/test)."),
    tokenizer: str = typer.Option("word", help="Tokenizer: char or word."),
    preset: str = typer.Option("raw", help="Normalisation: raw, letters or unicode_letters."),
    top_k: int = typer.Option(10, "--top-k", help="How many n-grams to list per order."),
    zipf: Path = typer.Option(None, "--zipf", help="Write a Zipf plot (PNG) here."),
    seed: int = typer.Option(0, "--seed", help="Unused (counting is deterministic)."),
) -> None:
    """Token counts, top n-grams for n = 1..3, and optionally a Zipf plot."""
    if top_k < 0:
        raise ConfigError(f"--top-k must be >= 0, got {top_k}")
    if zipf is not None and zipf.is_dir():
        raise ConfigError(f"--zipf {zipf} is a directory, expected a .png file path")
    tokenize = get_tokenizer(tokenizer)  # validate options before any download
    tokens = tokenize(load_text(source, split=split, preset=preset))
    stats = corpus_stats(tokens, top_k=top_k)
    echo(stats.format(sep="" if tokenizer == "char" else " "))
    if zipf is not None:
        zipf_plot(tokens, zipf, title=f"Zipf's law: {source} ({tokenizer})")
        echo(f"wrote {zipf}")
