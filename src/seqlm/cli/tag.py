"""``seqlm tag train | eval | predict``: per-token tagging (part of speech) with a word +
character BiRNN; the same command shape as ``seqlm rnn train``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

from seqlm.cli.common import (
    DeviceOption,
    ProgressOption,
    ResumeOption,
    SeedOption,
    ThreadsOption,
    echo,
    seed_everything,
)
from seqlm.cli.config import ConfigOption, options
from seqlm.errors import ConfigError, DataError

app = typer.Typer(help="Per-token tagging (UPOS/XPOS): train, evaluate, predict.",
                  no_args_is_help=True)

CkptArg = typer.Argument(..., help="A checkpoint written by 'seqlm tag train' (best.pt/last.pt).")
ColumnOption = typer.Option("upos", "--column", help="CoNLL-U tag column: upos or xpos.")
FormatOption = typer.Option("auto", "--format", help="auto, conllu or tsv (token<TAB>tag).")


def _epoch_line(row: dict[str, Any]) -> None:
    echo(f"epoch {row['epoch']:>3}  train nll {row['train_nll']:.4f}  "
         f"valid nll {row['valid_nll']:.4f}  lr {row['lr']:.3g}  "
         f"||g|| {row['grad_norm_mean']:.3g} (clipped {100 * row['clipped_frac']:.0f}%)  "
         f"{row['items_per_s']:,.0f} words/s")


@app.command()
def train(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="Folder for checkpoints, logs and plots."),
    data: str = typer.Option(None, "--data", help="A dataset (ud-en-ewt) or a CoNLL-U/TSV file."),
    split: str = typer.Option(None, "--split", help="Dataset split to train on [train]."),
    valid: str = typer.Option(None, "--valid", help="Validation file or dataset."),
    valid_split: str = typer.Option(None, "--valid-split", help="Validation split (dev)."),
    column: str = ColumnOption,
    fmt: str = FormatOption,
    min_freq: int = typer.Option(1, "--min-freq", min=1,
                                 help="Rarer words get no embedding (their spelling still "
                                      "counts)."),
    cell: str = typer.Option("lstm", "--cell", help="Word RNN cell: lstm, gru, rnn or a "
                                                    "scratch cell (lstm_scratch, ...)."),
    char_cell: str = typer.Option("lstm", "--char-cell", help="Character RNN cell."),
    hidden: int = typer.Option(128, "--hidden", min=1, help="Word RNN units per direction."),
    layers: int = typer.Option(2, "--layers", min=1, help="Word RNN layers."),
    word_embed: int = typer.Option(100, "--word-embed", min=1),
    char_embed: int = typer.Option(32, "--char-embed", min=1),
    char_hidden: int = typer.Option(64, "--char-hidden", min=1,
                                    help="Character RNN units per direction."),
    dropout: float = typer.Option(0.33, "--dropout"),
    word_dropout: float = typer.Option(0.25, "--word-dropout",
                                       help="alpha: a word of count f becomes <unk> with "
                                            "probability alpha/(alpha+f) in training."),
    init_from: Path = typer.Option(None, "--init-from",
                                   help="Start the encoder from an LM checkpoint of "
                                        "'seqlm rnn train' (vocabulary mapped by token)."),
    batch_size: int = typer.Option(32, "--batch-size", min=1, help="Sentences per batch."),
    clip: float = typer.Option(5.0, "--clip", help="Gradient-norm threshold theta (0 = off)."),
    optimizer: str = typer.Option("adam", "--optimizer", help="sgd, adam or adamw."),
    lr: float = typer.Option(2e-3, "--lr"),
    weight_decay: float = typer.Option(0.0, "--weight-decay"),
    anneal: float = typer.Option(0.5, "--anneal",
                                 help="Multiply lr by this on a validation plateau (0 = off)."),
    patience: int = typer.Option(0, "--patience", min=0,
                                 help="Early stop after N bad epochs (0 = off)."),
    ema: float = typer.Option(0.0, "--ema", help="Weight-average decay (e.g. 0.999; 0 = off)."),
    epochs: int = typer.Option(None, "--epochs", min=1, help="Epochs in all [30]."),
    time_limit: float = typer.Option(0.0, "--time-limit", help="Stop after N seconds (0 = off)."),
    cpu_limit: float = typer.Option(0.0, "--cpu-limit",
                                    help="Stop after N seconds of process CPU time (0 = off)."),
    resume: bool = ResumeOption,
    device: str = DeviceOption,
    progress: bool = ProgressOption,
    seed: int = SeedOption,
    threads: int = ThreadsOption,
    config: Path = ConfigOption,
) -> None:
    """Train a tagger with the one training loop (clipping, checkpoints, exact resume)."""
    from seqlm.apps.tag.run import TagRun, resume_settings, train_run
    from seqlm.train import TrainConfig

    o = options(ctx, config)  # command line > --config TOML > defaults
    limits: dict[str, Any] = {"time_limit_s": o["time_limit"] or None, "device": o["device"],
                              "progress": o["progress"]}
    if o["resume"]:
        run, tc = resume_settings(out, **limits, **({"epochs": o["epochs"]} if o["epochs"]
                                                      else {}))
    else:
        if o["data"] is None:
            raise ConfigError("--data is required (ud-en-ewt, or a CoNLL-U or TSV file)")
        model = {k: o[k] for k in ("cell", "char_cell", "hidden", "layers", "word_embed",
                                   "char_embed", "char_hidden", "dropout", "word_dropout")}
        run = TagRun(o["data"], o["split"], o["valid"], o["valid_split"], o["column"], o["fmt"],
                     o["min_freq"], o["batch_size"], o["seed"],
                     str(o["init_from"]) if o["init_from"] else None, model)
        tc = TrainConfig(epochs=o["epochs"] or 30, optimizer=o["optimizer"], lr=o["lr"],
                         clip=o["clip"] or None, weight_decay=o["weight_decay"],
                         anneal_factor=o["anneal"] or None, ema_decay=o["ema"] or None,
                         early_stop_patience=o["patience"] or None, **limits)
    seed_everything(run.seed, o["threads"])

    def describe(d: Any) -> None:
        n_valid = sum(len(e.word_ids) for e in d.valid) if d.valid else 0
        echo(f"{len(d.train):,} training sentences ({sum(len(e.word_ids) for e in d.train):,} "
             f"words), {n_valid:,} validation words; {len(d.vocabs.words):,} words, "
             f"{len(d.vocabs.chars)} characters, {len(d.vocabs.tags)} tags")

    _, result = train_run(run, tc, out, o["resume"], o["cpu_limit"] or None, _epoch_line,
                          describe)
    if result.stopped == "interrupted":
        echo(f"interrupted at step {result.final['step']}: checkpoint {result.checkpoint}; "
             "continue with --resume")
    else:
        echo(f"stopped: {result.stopped}; checkpoints {out}/last.pt and {out}/best.pt")


def _model(checkpoint: Path, device: str) -> tuple[Any, Any, dict[str, Any]]:
    from seqlm.apps.tag import load_tagger

    return load_tagger(checkpoint, device)


@app.command("eval")
def evaluate(
    checkpoint: Path = CkptArg,
    data: str = typer.Option(..., "--data", help="A dataset (ud-en-ewt) or a CoNLL-U/TSV file."),
    split: str = typer.Option(None, "--split", help="Dataset split (e.g. test)."),
    column: str = typer.Option(None, "--column", help="upos or xpos [the model's]."),
    fmt: str = FormatOption,
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as one JSON object."),
    device: str = DeviceOption,
    progress: bool = ProgressOption,
    seed: int = SeedOption,
    threads: int = ThreadsOption,
) -> None:
    """Token accuracy, accuracy on words unseen in training, per-tag precision/recall/F1."""
    from seqlm.apps.tag import evaluate_tagger, load_tagged

    seed_everything(seed, threads)
    model, vocabs, ckpt = _model(checkpoint, device)
    col = column or str((ckpt.get("extra") or {}).get("column", "upos"))
    scores = evaluate_tagger(model, vocabs, load_tagged(data, split, col, fmt),
                             origin=f"{data}{':' + split if split else ''}", progress=progress)
    if as_json:
        echo(json.dumps(scores.to_dict()))
        return
    echo(f"tokens {scores.tokens:,}  accuracy {100 * scores.accuracy:.2f}%  "
         f"unseen words {scores.unseen_tokens:,}: accuracy {100 * scores.unseen_accuracy:.2f}%  "
         f"macro-F1 {scores.macro_f1:.4f}")
    echo(f"{'tag':<8} {'precision':>9} {'recall':>9} {'f1':>9} {'support':>8}")
    for tag, m in scores.per_tag.items():
        echo(f"{tag:<8} {m['precision']:9.4f} {m['recall']:9.4f} {m['f1']:9.4f} "
             f"{int(m['support']):8d}")


@app.command()
def predict(
    checkpoint: Path = CkptArg,
    texts: list[str] = typer.Argument(..., help="Tokenised sentences (words separated by "
                                                "spaces), or - to read one a line from stdin."),
    device: str = DeviceOption,
    seed: int = SeedOption,
) -> None:
    """Tag sentences: prints word/TAG pairs, one sentence a line."""
    from seqlm.apps.tag import predict as tag
    from seqlm.apps.tag import split_sentence

    seed_everything(seed)
    if texts == ["-"]:
        lines = [line for line in sys.stdin.read().splitlines() if line.strip()]
        if not lines:
            raise DataError("no sentence on standard input")
    else:
        lines = texts
    sentences = [split_sentence(t) for t in lines]
    model, vocabs, _ = _model(checkpoint, device)
    for s, tags in zip(sentences, tag(model, vocabs, sentences), strict=True):
        echo(" ".join(f"{w}/{t}" for w, t in zip(s.words, tags, strict=True)))


@app.command()
def text(
    data: str = typer.Argument(..., help="A dataset (ud-en-ewt) or a CoNLL-U/TSV file."),
    split: str = typer.Option(None, "--split", help="Dataset split (e.g. train)."),
    fmt: str = FormatOption,
    lower: bool = typer.Option(False, "--lower", help="Lower-case (for a word LM)."),
) -> None:
    """Print the words of tagged data, one sentence a line: a language model's training text."""
    from seqlm.apps.tag import load_tagged
    from seqlm.apps.tag.text import sentences_text

    sys.stdout.write(sentences_text(load_tagged(data, split, "upos", fmt), lower))
