"""``seqlm data``: list, describe, fetch and count the registered corpora."""

from __future__ import annotations

import typer

from seqlm.cli.common import JsonOption, bounded_int, echo, emit_json, output_file
from seqlm.data.corpus import load_text
from seqlm.data.registry import REGISTRY, cache_dir, fetch, get_dataset, is_cached
from seqlm.data.stats import corpus_stats, zipf_plot
from seqlm.data.tokenize import get_tokenizer

app = typer.Typer(
    help="Registered corpora: list them, show where they come from, download them once into "
    "the cache, and count tokens and n-grams.",
    no_args_is_help=True,
)


@app.command("list")
def list_cmd() -> None:
    """List the registered datasets and whether each is cached.

    \b
    Example:
      seqlm data list
    """
    for name in sorted(REGISTRY):
        ds = REGISTRY[name]
        mark = "cached" if all(is_cached(name, s) for s in ds.splits) else "-"
        echo(f"{name:<16} {mark:<7} {ds.description}")


@app.command("info")
def info_cmd(name: str = typer.Argument(..., help="Dataset name (see `seqlm data list`).")
             ) -> None:
    """Show a dataset's source, checksums, splits and cache location.

    \b
    Example:
      seqlm data info ptb
    """
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
    name: str = typer.Argument(..., help="Dataset name (see `seqlm data list`)."),
    mirror: str = typer.Option(
        None,
        help="Base URL (http(s):// or file://) of a mirror; default $SEQLM_MIRROR, "
        "else the shared data folder.",
    ),
) -> None:
    """Download a dataset into the cache once and verify its checksums.

    Offline? Point --mirror (or SEQLM_MIRROR) at a folder or server laid out like the
    project's shared data folder.

    \b
    Example:
      seqlm data fetch ptb
      seqlm data fetch ptb --mirror file:///data/seqlm-mirror/
    """
    root = fetch(name, mirror=mirror)
    echo(f"{name}: {root}")


@app.command("stats")
def stats_cmd(
    source: str = typer.Argument(
        ..., help="Dataset name, a UTF-8 text file (.gz/.bz2/.xz too), or - for standard input."
    ),
    split: str = typer.Option(None, help="Split of a registered dataset (train/valid/test)."),
    tokenizer: str = typer.Option(
        "word", help="Tokenizer: char, word, or module:function for your own."
    ),
    preset: str = typer.Option("raw", help="Normalisation: raw, letters or unicode_letters."),
    top_k: int = bounded_int(10, "--top-k", lo=0, hi=10**6,
                             help="How many n-grams to list per order."),
    zipf: str = typer.Option(None, "--zipf", help="Write a Zipf plot (PNG) here."),
    as_json: bool = JsonOption,
) -> None:
    """Token counts, top n-grams for n = 1..3, and optionally a Zipf plot.

    \b
    Example:
      seqlm data stats timemachine --preset letters --zipf zipf.png
      zcat notes.txt.gz | seqlm data stats - --tokenizer char --json
    """
    out = output_file(zipf, (source,), what="--zipf", stdout_ok=False)
    tokenize = get_tokenizer(tokenizer)  # validate options before any download
    tokens = tokenize(load_text(source, split=split, preset=preset))
    stats = corpus_stats(tokens, top_k=top_k)
    if out is not None:
        zipf_plot(tokens, out, title=f"Zipf's law: {source} ({tokenizer})")
    if as_json:
        emit_json({
            "source": source, "split": split, "tokenizer": tokenizer, "preset": preset,
            "tokens": stats.num_tokens, "types": stats.num_types,
            "singletons": stats.singletons,
            "top": {str(n): [{"ngram": list(g), "count": c} for g, c in items]
                    for n, items in stats.top.items()},
            "zipf": str(out) if out is not None else None,
        })
        return
    echo(stats.format(sep="" if tokenizer == "char" else " "))
    if out is not None:
        echo(f"wrote {out}")
