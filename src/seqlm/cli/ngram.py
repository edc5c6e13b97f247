"""``seqlm ngram``: fit, evaluate, score, compare, generate and convert n-gram models."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from seqlm.cli.common import echo, seed_everything
from seqlm.data.conventions import check_mode
from seqlm.data.corpus import load_text
from seqlm.errors import ConfigError
from seqlm.ngram import NgramLM, load, save

app = typer.Typer(help="Counting n-gram language models (KenLM-compatible ARPA).",
                  no_args_is_help=True)

SEED = typer.Option(0, "--seed", help="Random seed (counting is deterministic; used by generate).")
SPLIT = typer.Option(None, help="Split of a registered dataset (train/valid/test).")
PRESET = typer.Option("raw", help="Normalisation: raw, letters or unicode_letters.")


@app.command("fit")
def fit_cmd(
    source: str = typer.Argument(..., help="Dataset name or path to a UTF-8 text file."),
    out: Path = typer.Option(..., "--out", "-o", help="Model file: .arpa or binary (.npz)."),
    order: int = typer.Option(3, "--order", "-n", help="n-gram order N >= 1."),
    estimator: str = typer.Option("modified_kneser_ney", help="mle, laplace, lidstone, "
                                  "witten_bell, absolute, kneser_ney, modified_kneser_ney, "
                                  "stupid_backoff."),
    mode: str = typer.Option("sentence", help="sentence (one per line) or stream."),
    tokenizer: str = typer.Option("word", help="word or char."),
    split: str = SPLIT,
    preset: str = PRESET,
    k: float = typer.Option(1.0, help="Add-k for lidstone."),
    discount: float = typer.Option(None, help="Discount for absolute / kneser_ney."),
    vocab_from: Path = typer.Option(None, "--vocab-from", help="Use the vocabulary of this "
                                    "'seqlm rnn train' checkpoint (to mix the two models)."),
    seed: int = SEED,
) -> None:
    """Count n-grams of a corpus, estimate the model and save it."""
    seed_everything(seed)
    vocab = None
    if vocab_from is not None:
        from seqlm.apps.lm import load_lm

        vocab = load_lm(vocab_from)[0].vocab
    text = load_text(source, split=split, preset=preset)
    t0 = time.perf_counter()
    model = NgramLM(order, estimator, check_mode(mode), tokenizer, k=k, discount=discount,
                    vocab=vocab)
    model.fit(text)
    fit_s = time.perf_counter() - t0
    save(model, out)
    echo(f"fitted {model!r} in {fit_s:.2f} s")
    if model.discounts:
        for n, d in enumerate(model.discounts, 1):
            echo(f"  {n}-gram discounts: " + " ".join(f"{x:.4f}" for x in d))
    echo(f"wrote {out}")


@app.command("eval")
def eval_cmd(
    model_path: Path = typer.Argument(..., help="Model file (.arpa or binary)."),
    source: str = typer.Argument(..., help="Dataset name or path to a UTF-8 text file."),
    split: str = SPLIT,
    preset: str = PRESET,
    seed: int = SEED,
) -> None:
    """Corpus perplexity (incl./excl. OOV), token and OOV counts, bits per token."""
    seed_everything(seed)
    model = load(model_path)
    echo(str(model.perplexity(load_text(source, split=split, preset=preset))))


@app.command("score")
def score_cmd(
    model_path: Path = typer.Argument(..., help="Model file (.arpa or binary)."),
    sentences: list[str] = typer.Argument(..., help="Sentences to score."),
    full: bool = typer.Option(False, "--full", help="Per-token log10 p, n-gram length, OOV."),
    seed: int = SEED,
) -> None:
    """Total log10 probability of each sentence (as KenLM's score)."""
    seed_everything(seed)
    model = load(model_path)
    for s in sentences:
        echo(f"{model.score(s):.6f}\t{s}")
        if full:
            for p, n, oov in model.full_scores(s):
                echo(f"  {p:.6f}\t{n}-gram" + ("\tOOV" if oov else ""))


@app.command("compare")
def compare_cmd(
    model_path: Path = typer.Argument(..., help="Model file (.arpa or binary)."),
    sentences: list[str] = typer.Argument(..., help="Two or more sentences to rank."),
    seed: int = SEED,
) -> None:
    """Rank sentences by probability, most probable first."""
    seed_everything(seed)
    if len(sentences) < 2:
        raise ConfigError("compare needs at least two sentences")
    for rank, (s, lp) in enumerate(load(model_path).compare(sentences), 1):
        echo(f"{rank}. {lp:.4f}\t{s}")


@app.command("generate")
def generate_cmd(
    model_path: Path = typer.Argument(..., help="Model file (.arpa or binary)."),
    n: int = typer.Option(30, "--n", help="Maximum tokens per line."),
    lines: int = typer.Option(3, "--lines", help="How many samples."),
    prefix: str = typer.Option("", "--prefix", help="Text to continue."),
    temperature: float = typer.Option(1.0, help="Sampling temperature > 0."),
    top_k: int = typer.Option(None, "--top-k", help="Sample among the k most probable."),
    seed: int = SEED,
) -> None:
    """Sample text; the same seed gives the same lines."""
    seed_everything(seed)
    if lines < 1:
        raise ConfigError(f"--lines must be >= 1, got {lines}")
    model = load(model_path)
    sep = "" if model.tokenizer == "char" else " "
    for i in range(lines):
        toks = model.generate(n, prefix, temperature, top_k, seed=seed + i)
        echo(sep.join(model._tok()(prefix) + toks))


@app.command("convert")
def convert_cmd(
    src: Path = typer.Argument(..., help="Input model (.arpa or binary)."),
    dst: Path = typer.Argument(..., help="Output model (.arpa or binary)."),
    seed: int = SEED,
) -> None:
    """Convert between ARPA and seqlm's binary format (by file extension)."""
    seed_everything(seed)
    if src.resolve() == dst.resolve():
        raise ConfigError("input and output are the same file")
    save(load(src), dst)
    echo(f"wrote {dst}")
