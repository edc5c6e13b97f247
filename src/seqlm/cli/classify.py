"""``seqlm classify train | eval | predict``: many-to-one sequence classification."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from seqlm.cli.common import (
    DeviceOption,
    JsonOption,
    OverwriteOption,
    ProgressOption,
    ResumeOption,
    SeedOption,
    ThreadsOption,
    bounded_float,
    bounded_int,
    echo,
    emit_json,
    output_file,
    run_folder,
    seed_everything,
)
from seqlm.cli.config import ConfigOption, options
from seqlm.errors import ConfigError

app = typer.Typer(help="Sequence classification: a text -> one class (e.g. a name's language).",
                  no_args_is_help=True)

TABLES = ("model", "train")


SETTINGS = ("data", "valid", "valid_frac", "test_frac", "split_seed", "group_duplicates",
            "label_frac", "level", "min_freq", "seed", "batch_size", "bucket", "sampling",
            "class_weight", "label_smoothing", "init_from", "init_from_backward",
            "discriminative", "gradual_unfreeze", "class_lm")
# option name -> ModelOptions / TrainConfig field
MODEL = {"model": "kind", "hidden": "num_hiddens", "embed": "embed_size", "layers": "num_layers",
         "bidirectional": "bidirectional", "dropout": "dropout", "weight_drop": "weight_drop",
         "pool": "pool", "head_dropout": "head_dropout", "ngrams": "ngrams",
         "ngram_buckets": "ngram_buckets"}
LOOP = {"epochs": "epochs", "optimizer": "optimizer", "lr": "lr",
        "weight_decay": "weight_decay", "clip": "clip", "patience": "early_stop_patience",
        "time_limit": "time_limit_s", "ema": "ema_decay", "device": "device",
        "progress": "progress"}


def _settings(o: dict[str, Any]) -> tuple[Any, Any]:
    """(ClassifySettings, TrainConfig): the options given (command line, then the --config
    file) over classify's defaults; with --init-from the LM's cell is the model's default."""
    from seqlm.apps.classify.train import ClassifySettings, ModelOptions, train_config
    from seqlm.apps.common.transfer import lm_cell_options
    from seqlm.registry import config_to_dict

    given = {k: o[k] for k in SETTINGS if o.get(k) is not None}
    model = {**config_to_dict(ModelOptions()),
             **(lm_cell_options(given["init_from"]) if given.get("init_from") else {}),
             **{f: o[k] for k, f in MODEL.items() if o.get(k) is not None}}
    loop = {f: o[k] for k, f in LOOP.items() if o.get(k) is not None}
    if loop.get("ema_decay") == 0:  # --ema 0: no weight averaging
        loop["ema_decay"] = None
    tc = train_config(**loop)
    return ClassifySettings.from_dict({**given, "model": model}), tc


def _epoch_line(row: dict[str, Any]) -> None:
    extra = "".join(f"  valid {k} {row[k]:.4f}" for k in ("accuracy", "macro_f1") if k in row)
    echo(f"epoch {row['epoch']:>3}  train nll {row['train_nll']:.4f}  valid nll "
         f"{row['valid_nll']:.4f}{extra}  lr {row['lr']:.3g}  ||g|| "
         f"{row['grad_norm_mean']:.3g} (clipped {100 * row['clipped_frac']:.0f}%)  "
         f"{row['items_per_s']:,.0f} ex/s")


@app.command()
def train(
    ctx: typer.Context,
    out: str = typer.Option(..., "--out", help="Run folder: best.pt, last.pt, logs, plots."),
    data: str = typer.Option(None, "--data",
                             help="TSV (text<TAB>label), a folder of LABEL.txt files, or "
                                  "'names'."),
    valid: str = typer.Option(None, "--valid",
                              help="Validation examples (else held out of --data)."),
    config: Path = ConfigOption,
    valid_frac: float = bounded_float(None, "--valid-frac", hi=0.9,
                                      help="Held-out validation fraction [0.1]."),
    test_frac: float = bounded_float(None, "--test-frac", hi=0.9,
                                     help="Held-out test fraction [0.1] (eval --split test)."),
    split_seed: int = bounded_int(None, "--split-seed", hi=2**32 - 1,
                                  help="Seed of the stratified split [0]."),
    group_duplicates: bool = typer.Option(None, "--group-duplicates/--no-group-duplicates",
                                          help="Keep all copies of a (text, label) pair in "
                                               "one part [off]."),
    label_frac: float = bounded_float(None, "--label-frac", hi=1.0,
                                      help="Train on this stratified fraction of the "
                                           "training labels [1]."),
    level: str = typer.Option(None, "--level", help="char [default] or word."),
    min_freq: int = bounded_int(None, "--min-freq", lo=1, hi=10**6,
                                help="Rarer tokens map to <unk> [1]."),
    model: str = typer.Option(None, "--model",
                              help="Cell kind: lstm [default], gru, rnn, lstm_scratch, "
                                   "gru_scratch, rnn_scratch."),
    hidden: int = bounded_int(None, "--hidden", lo=1, hi=4096, help="Hidden units [256]."),
    embed: int = bounded_int(None, "--embed", lo=0, hi=4096,
                             help="Embedding size, 0 = one-hot [128]."),
    layers: int = bounded_int(None, "--layers", lo=1, hi=16, help="Layers [1]."),
    bidirectional: bool = typer.Option(None, "--bidirectional/--unidirectional",
                                       help="Read both ways [bidirectional]."),
    dropout: float = bounded_float(None, "--dropout", hi=0.99,
                                   help="Dropout in the encoder [0.4]."),
    weight_drop: float = bounded_float(None, "--weight-drop", hi=0.99,
                                       help="DropConnect on W_hh [0]."),
    pool: str = typer.Option(None, "--pool", help="last, mean, max joined by + [max+mean]."),
    head_dropout: float = bounded_float(None, "--head-dropout", hi=0.99,
                                        help="Dropout before the output layer [0.5]."),
    ngrams: int = bounded_int(None, "--ngrams", lo=0, hi=8,
                              help="Add a linear model on hashed 1..N-grams [0 = none]."),
    ngram_buckets: int = bounded_int(None, "--ngram-buckets", lo=1, hi=1 << 24,
                                     help="Hash buckets of --ngrams [262144]."),
    batch_size: int = bounded_int(None, "--batch-size", lo=1, hi=65536, help="[64]"),
    bucket: int = bounded_int(None, "--bucket", lo=0, hi=10**4,
                              help="Sort this many batches' worth by length [20]."),
    sampling: str = typer.Option(None, "--sampling", help="shuffle [default] or balanced."),
    class_weight: float = bounded_float(None, "--class-weight", hi=4.0,
                                        help="Power p of class weights n_c^-p (1 = "
                                             "balanced) [0]."),
    label_smoothing: float = bounded_float(None, "--label-smoothing", hi=0.99, help="[0]"),
    init_from: str = typer.Option(None, "--init-from",
                                  help="Start the encoder from a 'seqlm rnn train' LM "
                                       "(its cell: kind, hidden, embed, layers)."),
    init_from_backward: str = typer.Option(None, "--init-from-backward",
                                           help="An LM trained on reversed text, for the "
                                                "backward direction."),
    discriminative: float = bounded_float(None, "--discriminative", lo=1.0, hi=100.0,
                                          help="ULMFiT: lr / factor per layer down [1 = off]."),
    gradual_unfreeze: bool = typer.Option(None, "--gradual-unfreeze/--no-gradual-unfreeze",
                                          help="ULMFiT: unfreeze one layer group per epoch."),
    class_lm: int = bounded_int(None, "--class-lm", lo=0, hi=10,
                                help="Mix in per-class n-gram LMs of this order (Bayes' rule; "
                                     "weights chosen on validation) [4 for char, 2 for word; "
                                     "0 = none]."),
    epochs: int = bounded_int(None, "--epochs", lo=1, hi=10**6, help="[40]"),
    optimizer: str = typer.Option(None, "--optimizer", help="adamw [default], adam or sgd."),
    lr: float = bounded_float(None, "--lr", hi=100.0, help="Learning rate [3e-3]."),
    weight_decay: float = bounded_float(None, "--weight-decay", hi=10.0, help="[0.01]"),
    clip: float = bounded_float(None, "--clip", hi=1e6, help="Gradient-norm threshold [1]."),
    patience: int = bounded_int(None, "--patience", lo=1, hi=10**6,
                                help="Early stop after N bad epochs [4]."),
    time_limit: float = bounded_float(None, "--time-limit", hi=1e9,
                                      help="Stop after SECONDS of training."),
    cpu_limit: float = bounded_float(None, "--cpu-limit", hi=1e9,
                                     help="Stop after SECONDS of this process's CPU time "
                                          "(resumable; best.pt = best completed epoch)."),
    ema: float = bounded_float(None, "--ema", hi=0.999999,
                               help="Validate and keep a moving average of the weights with this "
                                    "decay [0.998; 0 = off]."),
    resume: bool = ResumeOption,
    overwrite: bool = OverwriteOption,
    device: str = DeviceOption,
    progress: bool = ProgressOption,
    seed: int = SeedOption,
    threads: int = ThreadsOption,
) -> None:
    """Train a classifier (BPTT with clipping, the one training loop); DIR/best.pt, last.pt."""
    from seqlm.apps.classify.train import fit_classifier
    from seqlm.train import load_checkpoint

    folder = run_folder(out, resume=resume, overwrite=overwrite)
    last = folder / "last.pt"
    if resume:  # every setting from the checkpoint, except how long / where to run
        ckpt = load_checkpoint(last)
        extra = ckpt.get("extra") or {}
        if extra.get("task") != "classify":
            raise ConfigError(f"{last} was not written by 'seqlm classify train'")
        from seqlm.apps.classify.train import ClassifySettings
        from seqlm.train import TrainConfig

        s = ClassifySettings.from_dict(extra["settings"])
        over = {k: v for k, v in (("epochs", epochs), ("time_limit_s", time_limit)) if v}
        tc = TrainConfig.from_dict(ckpt["train_config"], device=device, progress=progress,
                                   **over)
    else:
        s, tc = _settings(options(ctx, config))
    seed_everything(s.seed, threads)
    _, _, result = fit_classifier(s, tc, folder, resume=last if resume else None,
                                  on_epoch=_epoch_line, announce=echo, cpu_limit=cpu_limit)
    why = "the CPU limit or Ctrl-C (continue with --resume)" if result.stopped == \
        "interrupted" else result.stopped
    echo(f"stopped: {why}; checkpoints {folder}/best.pt and {folder}/last.pt; "
         f"log {folder}/epochs.csv")


CkptArg = typer.Argument(..., help="A checkpoint written by 'seqlm classify train' (several: "
                                   "their ensemble, probabilities averaged).")


@app.command("eval")
def evaluate(
    checkpoints: list[Path] = CkptArg,
    data: str = typer.Option(None, "--data",
                             help="Examples to score (TSV, folder or 'names'); default: the "
                                  "training run's data, with --split."),
    split: str = typer.Option(None, "--split",
                              help="train, valid or test: that part of the run's own split "
                                   "(rebuilt from the checkpoint's settings)."),
    confusion: str = typer.Option(None, "--confusion",
                                  help="Confusion-matrix PNG [beside the checkpoint: "
                                       "confusion.png]."),
    json_out: bool = JsonOption,
    device: str = DeviceOption,
    progress: bool = ProgressOption,
    seed: int = SeedOption,
    threads: int = ThreadsOption,
) -> None:
    """Accuracy, macro-F1, per-class precision / recall / F1 and a confusion-matrix PNG."""
    from seqlm.apps.classify.predict import Ensemble
    from seqlm.apps.classify.train import eval_examples
    from seqlm.apps.common import plot_confusion

    seed_everything(seed, threads)
    png = output_file(confusion or checkpoints[0].parent / "confusion.png", tuple(checkpoints),
                      what="--confusion", stdout_ok=False)
    clf = Ensemble.load_all(checkpoints, device=device)
    examples = eval_examples(checkpoints[0], data, split)
    report = clf.evaluate(examples, progress=progress)
    assert png is not None
    plot_confusion(report, png, title=f"{examples.source}: accuracy {report.accuracy:.3f}, "
                                      f"macro-F1 {report.macro_f1:.3f}")
    if json_out:
        emit_json({**report.to_dict(), "data": examples.source, "confusion_png": str(png)})
        return
    echo(report.table())
    echo(f"confusion matrix: {png}")


@app.command()
def predict(
    checkpoint: Path = typer.Argument(..., help="A checkpoint written by 'seqlm classify "
                                                "train'."),
    texts: list[str] = typer.Argument(..., help="Texts to classify; '-' reads stdin, one a "
                                                "line."),
    also: list[Path] = typer.Option(None, "--ensemble",
                                    help="More checkpoints to average with (repeatable)."),
    top: int = bounded_int(1, "--top", lo=1, hi=10**6, help="Show the N most probable classes."),
    json_out: bool = JsonOption,
    device: str = DeviceOption,
    seed: int = SeedOption,
) -> None:
    """The most probable classes of each text, with their probabilities."""
    from seqlm.apps.classify.predict import Ensemble

    seed_everything(seed)
    clf = Ensemble.load_all([checkpoint, *(also or [])], device=device)
    items = [line.strip() for t in texts
             for line in (sys.stdin.read().splitlines() if t == "-" else [t])]
    if "-" in texts:
        items = [t for t in items if t]
    for text in items:
        unseen = clf.unseen(text)
        if unseen:
            sys.stderr.write(f"seqlm: note: {text!r}: unseen in training, read as <unk>: "
                             f"{' '.join(unseen)}\n")
    results = clf.predict(items, top=top)
    for text, best in zip(items, results, strict=True):
        if json_out:
            emit_json({"text": text, "top": [{"label": c, "p": p} for c, p in best]})
        else:
            echo(text + "\t" + "\t".join(f"{c} {p:.4f}" for c, p in best))
