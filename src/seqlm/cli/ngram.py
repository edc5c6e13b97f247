"""``seqlm ngram``: fit, evaluate, score, compare, generate and convert n-gram models."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import typer

from seqlm.cli.common import (
    JsonOption,
    ProgressOption,
    SeedOption,
    bounded_int,
    echo,
    emit_json,
    output_file,
)
from seqlm.errors import ConfigError
from seqlm.io import STDIO, same_file

app = typer.Typer(help="Counting n-gram language models: fit, score and convert "
                       "(KenLM-compatible ARPA, memory-mapped binary).",
                  short_help="Counting n-gram language models.", no_args_is_help=True)

SPLIT = typer.Option(None, help="Split of a registered dataset (train/valid/test).")
PRESET = typer.Option("raw", help="Normalisation: raw, letters or unicode_letters.")
MODEL = typer.Argument(..., help="Model file: .arpa (also .arpa.gz/.bz2/.xz) or binary .npz.")
MAX_LINES = 10**6


def _load(path: str) -> Any:
    from seqlm.ngram import load

    return load(path)


@app.command("fit", epilog="Example: seqlm ngram fit ptb --split train -n 5 -o ptb5.npz")
def fit_cmd(
    source: str = typer.Argument(..., help="Dataset name, a UTF-8 text file (.gz/.bz2/.xz "
                                 "too) or - for standard input."),
    out: str = typer.Option(..., "--out", "-o", help="Model file: .arpa, .npz (binary), or - "
                            "for ARPA on standard output."),
    order: int = bounded_int(3, "--order", "-n", lo=1, hi=20, help="n-gram order N (1..20)."),
    estimator: str = typer.Option("modified_kneser_ney", help="A registered estimator: mle, "
                                  "laplace, lidstone, witten_bell, absolute, kneser_ney, "
                                  "modified_kneser_ney, stupid_backoff, or one registered by "
                                  "an imported module (docs/architecture.md)."),
    mode: str = typer.Option("sentence", help="sentence (one per line) or stream."),
    tokenizer: str = typer.Option("word", help="word or char."),
    split: str = SPLIT,
    preset: str = PRESET,
    k: float = typer.Option(1.0, help="Add-k for lidstone."),
    discount: float = typer.Option(None, help="Discount for absolute / kneser_ney."),
    vocab_from: Path = typer.Option(None, "--vocab-from", help="Use the vocabulary of this "
                                    "'seqlm rnn train' checkpoint (to mix the two models)."),
    memory: str = typer.Option(None, "--memory", "-S", help="Count within this much memory "
                               "(4G, 500M, 80%), spilling sorted runs to --temp-dir (a file)."),
    temp_dir: Path = typer.Option(None, "--temp-dir", "-T", help="Folder (on a disk, not a "
                                  "RAM tmpfs) for the spilled runs and the model's arrays "
                                  "during a --memory fit: up to twice the model file's size."),
    workers: int = bounded_int(None, "--workers", lo=1, hi=1024, help="Count on a local "
                               "Dask cluster of this many processes (seqlm[distributed])."),
    scheduler: str = typer.Option(None, "--scheduler", help="Count on the Dask cluster at "
                                  "this address (tcp://host:8786)."),
    progress: bool = ProgressOption,
) -> None:
    """Count the n-grams of a corpus, estimate the model and save it."""
    from seqlm.data.conventions import check_mode
    from seqlm.data.corpus import load_text
    from seqlm.ngram import NgramLM, save

    output_file(out, (source,), "model file")
    vocab = None
    if vocab_from is not None:
        from seqlm.apps.lm import load_lm

        vocab = load_lm(vocab_from)[0].vocab
    model = NgramLM(order, estimator, check_mode(mode), tokenizer, k=k, discount=discount,
                    vocab=vocab)
    t0 = time.perf_counter()
    if workers is not None or scheduler is not None or memory is not None:
        if not Path(source).is_file():
            raise ConfigError(f"{source} is not a text file: --memory, --workers and "
                              "--scheduler read a file as is (not a dataset name)")
        if split is not None or preset != "raw":
            raise ConfigError("--memory, --workers and --scheduler read a text file as is "
                              "(no --split or --preset)")
        if memory is not None:
            model.fit_file(source, memory, temp_dir, progress)
        else:
            model.fit_distributed(source, scheduler=scheduler, workers=workers)
    else:
        model.fit(load_text(source, split=split, preset=preset))
    fit_s = time.perf_counter() - t0
    save(model, out)
    log = (lambda m: typer.echo(m, err=True)) if out == STDIO else echo
    log(f"fitted {model!r} in {fit_s:.2f} s")
    for n, d in enumerate(model.discounts, 1):
        log(f"  {n}-gram discounts: " + " ".join(f"{x:.4f}" for x in d))
    log(f"wrote {'standard output' if out == STDIO else out}")


@app.command("eval", epilog="Example: seqlm ngram eval ptb5.npz ptb --split test --json")
def eval_cmd(
    model_path: str = MODEL,
    source: str = typer.Argument(..., help="Dataset name, a UTF-8 text file or - (stdin)."),
    split: str = SPLIT,
    preset: str = PRESET,
    as_json: bool = JsonOption,
) -> None:
    """Corpus perplexity (incl./excl. OOV), token and OOV counts, bits per token."""
    from seqlm.data.corpus import load_text

    result = _load(model_path).perplexity(load_text(source, split=split, preset=preset))
    emit_json(result) if as_json else echo(str(result))


def _sentences(sentences: list[str]) -> list[str]:
    """The sentences, or standard input's lines for a single ``-``."""
    if sentences == [STDIO]:
        return [line for line in sys.stdin.read().splitlines() if line.strip()]
    return sentences


@app.command("score", epilog="Example: seqlm ngram score ptb5.npz 'the stock fell' --full\n\n"
             "cat sentences.txt | seqlm ngram score ptb5.npz -")
def score_cmd(
    model_path: str = MODEL,
    sentences: list[str] = typer.Argument(..., help="Sentences to score, or - to read one "
                                          "per line from standard input."),
    full: bool = typer.Option(False, "--full", help="Per token, as KenLM's query: "
                              "token=id n-gram-length log10p, then Total and OOV."),
    as_json: bool = JsonOption,
) -> None:
    """Total log10 probability of each sentence (as KenLM's score)."""
    model = _load(model_path)
    for s in _sentences(sentences):
        total = model.score(s)
        if as_json:
            rec: dict[str, Any] = {"sentence": s, "log10": total}
            if full:
                rec["tokens"] = [{"token": t, "log10": p, "ngram": n, "oov": o}
                                 for t, (p, n, o) in zip(_predicted(model, s),
                                                         model.full_scores(s), strict=True)]
            emit_json(rec)
        elif full:
            scores = model.full_scores(s)
            toks = _predicted(model, s)
            cells = [f"{t}={model.vocab.index(t) if not o else 0} {n} {p:.6f}"
                     for t, (p, n, o) in zip(toks, scores, strict=True)]
            oov = sum(o for _, _, o in scores)
            echo("\t".join([*cells, f"Total: {total:.6f}", f"OOV: {oov}"]))
        else:
            echo(f"{total:.6f}\t{s}")


def _predicted(model: Any, sentence: str) -> list[str]:
    """The predicted tokens of a sentence, in full_scores' order."""
    return [t for u in model.units(sentence) for t in u.targets]


@app.command("compare", epilog="Example: seqlm ngram compare ptb5.npz 'to recognize speech' "
             "'to wreck a nice beach'")
def compare_cmd(
    model_path: str = MODEL,
    sentences: list[str] = typer.Argument(..., help="Two or more sentences to rank (- reads "
                                          "them from standard input)."),
    as_json: bool = JsonOption,
) -> None:
    """Rank sentences by probability, most probable first."""
    sentences = _sentences(sentences)
    if len(sentences) < 2:
        raise ConfigError("compare needs at least two sentences")
    ranked = _load(model_path).compare(sentences)
    if as_json:
        emit_json({"ranking": [{"rank": i, "sentence": s, "log10": lp}
                               for i, (s, lp) in enumerate(ranked, 1)]})
        return
    for rank, (s, lp) in enumerate(ranked, 1):
        echo(f"{rank}. {lp:.4f}\t{s}")


@app.command("generate", epilog="Example: seqlm ngram generate ptb5.npz --lines 3 --seed 1")
def generate_cmd(
    model_path: str = MODEL,
    n: int = bounded_int(30, "--n", "-n", lo=1, hi=MAX_LINES, help="Maximum tokens per line."),
    lines: int = bounded_int(3, "--lines", lo=1, hi=MAX_LINES, help="How many samples."),
    prefix: str = typer.Option("", "--prefix", help="Text to continue (a character model "
                               "starts after a newline without one)."),
    temperature: float = typer.Option(1.0, help="Sampling temperature > 0."),
    top_k: int = bounded_int(None, "--top-k", lo=1, help="Sample among the k most probable."),
    seed: int = SeedOption,
) -> None:
    """Sample text; the same seed gives the same lines."""
    model = _load(model_path)
    sep = "" if model.tokenizer == "char" else " "
    start = model._tok()(prefix)
    if not start and model.mode == "stream" and "\n" in model.vocab:
        start = ["\n"]  # char-rnn's and nanoGPT's start: a new line
    for i in range(lines):
        toks = model.generate(n, start, temperature, top_k, seed=seed + i)
        echo(sep.join(model._tok()(prefix) + toks))


@app.command("convert", epilog="Example: seqlm ngram convert ptb5.npz ptb5.arpa")
def convert_cmd(
    src: str = typer.Argument(..., help="Input model (.arpa, .arpa.gz, ... or binary)."),
    dst: str = typer.Argument(..., help="Output model (.arpa, .npz, or - for ARPA on "
                              "standard output)."),
) -> None:
    """Convert between ARPA and seqlm's binary format (by file extension)."""
    from seqlm.ngram import save

    if src != STDIO and dst != STDIO and same_file(src, dst):
        raise ConfigError("input and output are the same file")
    output_file(dst, (src,), "output model")
    save(_load(src), dst)
    if dst != STDIO:
        echo(f"wrote {dst}")
