"""``seqlm rnn train | eval | generate | score | compare``: recurrent language models."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import typer

from seqlm.cli import common
from seqlm.cli.common import OverwriteOption, SeedOption, ThreadsOption, echo, seed_everything
from seqlm.cli.config import ConfigOption, options
from seqlm.errors import ConfigError

app = typer.Typer(help="Recurrent language models: train, evaluate, generate, score, compare.",
                  no_args_is_help=True)

GENERATE_MAX = 1_000_000  # tokens one `rnn generate` may ask for
HIDDEN_MAX = 1 << 16  # units per layer (a 2^63 request is refused before torch sees it)


def _read(data: str, split: str | None, preset: str) -> str:
    from seqlm.data import load_text

    return load_text(data, split=split, preset=preset)


def run_config(o: dict[str, Any]) -> Any:
    """The typed run config (:class:`seqlm.apps.lm.LMRunConfig`) of the train options."""
    from seqlm.apps.lm import Distillation, LMRunConfig
    from seqlm.rnn import RNNConfig
    from seqlm.train import TrainConfig

    if o["data"] is None:
        raise ConfigError("--data is required (a dataset name or a text file)")
    cell = RNNConfig(num_hiddens=o["hidden"], embed_size=o["embed"] or None,
                     num_layers=o["layers"], dropout=o["dropout"], tie_weights=o["tie"],
                     weight_drop=o["weight_drop"], nonlinearity=o["nonlinearity"])
    train = TrainConfig(
        epochs=10 if o["epochs"] is None else o["epochs"], optimizer=o["optimizer"], lr=o["lr"],
        weight_decay=o["weight_decay"], clip=o["clip"] or None, anneal_factor=o["anneal"] or None,
        lr_decay=o["lr_decay"] or None, lr_decay_start=o["lr_decay_start"],
        early_stop_patience=o["patience"] or None, log_interval=o["log_interval"],
        device=o["device"], progress=o["progress"], time_limit_s=o["time_limit"] or None,
        clock=o["clock"], precision=o["precision"], ema_decay=o["ema"] or None)
    distill = Distillation(o["distill"], o["distill_decay"], o["distill_order"],
                           o["distill_folds"]) if o["distill"] else None
    return LMRunConfig(
        data=o["data"], split=o["split"], valid_split=o["valid_split"],
        valid_frac=o["valid_frac"], level=o["level"], preset=o["preset"],
        min_freq=o["min_freq"], seed=o["seed"], batch_size=o["batch_size"],
        num_steps=o["num_steps"], batching=o["batching"], model=o["model"], cell=cell,
        train=train, distill=distill)


def _saved_run(out: Path) -> dict[str, Any]:
    """The run settings stored in ``out/last.pt`` (checked again by resume_config)."""
    from seqlm.train import load_checkpoint

    saved = load_checkpoint(Path(out) / "last.pt").get("run")
    return saved if isinstance(saved, dict) else {}


def _epoch_line(row: dict[str, Any]) -> None:
    echo(f"epoch {row['epoch']:>3}  train ppl {row['train_ppl']:9.3f}  "
         f"valid ppl {row['valid_ppl']:9.3f}  lr {row['lr']:.3g}  "
         f"||g|| {row['grad_norm_mean']:.3g} (max {row['grad_norm_max']:.3g}, "
         f"clipped {100 * row['clipped_frac']:.0f}%)  {row['items_per_s']:,.0f} tok/s")


@app.command()
def train(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="Folder for checkpoints, logs and plots."),
    data: str = typer.Option(None, "--data", help="Registered dataset name or a text file."),
    split: str = typer.Option(None, "--split", help="Dataset split to train on."),
    valid_split: str = typer.Option(None, "--valid-split",
                                    help="Dataset split to validate on (default: hold out "
                                         "the end of the training text)."),
    valid_frac: float = common.bounded_float(0.1, "--valid-frac", lo=0.0, hi=1.0,
                                      help="Held-out fraction (the end of the training text)."),
    level: str = typer.Option("char", "--level", help="char (stream mode) or word (sentences)."),
    preset: str = typer.Option("raw", "--preset", help="raw, letters (the book's), ..."),
    min_freq: int = common.bounded_int(1, "--min-freq", lo=1, help="Rarer tokens map to <unk>."),
    model: str = typer.Option("lstm", "--model", help="A registered model kind: "
                              "rnn_scratch, gru_scratch, lstm_scratch, rnn, gru, lstm, ..."),
    hidden: int = common.bounded_int(256, "--hidden", lo=1, hi=HIDDEN_MAX,
                              help="Hidden units per layer."),
    layers: int = common.bounded_int(1, "--layers", lo=1, hi=64, help="Layers (torch.nn models)."),
    embed: int = common.bounded_int(0, "--embed", hi=HIDDEN_MAX,
                             help="Embedding size (0 = one-hot input)."),
    dropout: float = common.bounded_float(0.0, "--dropout", hi=1.0,
                                   help="Dropout probability on the layers' outputs (0 = off)."),
    tie: bool = typer.Option(False, "--tie", help="Tie input and output embeddings."),
    weight_drop: float = common.bounded_float(0.0, "--weight-drop", hi=1.0,
                                      help="DropConnect on the hidden-to-hidden weights."),
    nonlinearity: str = typer.Option("tanh", "--nonlinearity", help="tanh or relu (RNN)."),
    batch_size: int = common.bounded_int(32, "--batch-size", lo=1, hi=1_000_000,
                                  help="Rows per minibatch (the global batch under torchrun)."),
    num_steps: int = common.bounded_int(35, "--num-steps", lo=1, hi=1_000_000,
                                 help="Time steps per minibatch (BPTT)."),
    batching: str = typer.Option("sequential", "--batching", help="sequential or random."),
    clip: float = common.bounded_float(1.0, "--clip",
                                       help="Gradient-norm threshold theta (0 = off)."),
    optimizer: str = typer.Option("sgd", "--optimizer", help="sgd, adam or adamw."),
    lr: float = common.bounded_float(1.0, "--lr", lo=1e-12,
                              help="Learning rate (the book's SGD: 1)."),
    weight_decay: float = common.bounded_float(0.0, "--weight-decay", hi=1e6,
                                        help="L2 penalty (AdamW: decoupled weight decay)."),
    anneal: float = common.bounded_float(0.0, "--anneal", hi=1.0,
                                 help="Multiply lr by this on a validation plateau (0 = off)."),
    lr_decay: float = common.bounded_float(0.0, "--lr-decay", hi=1.0,
                                   help="Multiply lr by this every epoch (0 = off)."),
    lr_decay_start: int = common.bounded_int(1, "--lr-decay-start", lo=1,
                                       help="First epoch after which --lr-decay applies."),
    patience: int = common.bounded_int(0, "--patience",
                                       help="Early stop after N bad epochs (0 = off)."),
    epochs: int = common.bounded_int(None, "--epochs", lo=1, hi=1_000_000,
                              help="Epochs in all, counting those already done [10]."),
    time_limit: float = common.bounded_float(0.0, "--time-limit", hi=1e9,
                                      help="Stop after N seconds of training (0 = off); "
                                           "a stop mid-epoch is resumed mid-epoch."),
    clock: str = typer.Option("wall", "--clock",
                              help="What --time-limit counts: wall seconds, or cpu seconds of "
                                   "this process (fair on a loaded machine)."),
    log_interval: int = common.bounded_int(50, "--log-interval", lo=1,
                                    help="Steps per gradient-norm log."),
    resume: bool = typer.Option(False, "--resume",
                                help="Continue from OUT/last.pt exactly; only --epochs, "
                                     "--time-limit, --clock, --patience, --lr, "
                                     "--log-interval, --device, --precision and --progress "
                                     "may change."),
    overwrite: bool = OverwriteOption,
    device: str = common.DeviceOption,
    precision: str = typer.Option("fp32", "--precision",
                                  help="fp32, or bf16 autocast for the training passes."),
    ema: float = common.bounded_float(0.0, "--ema", hi=1.0,
                              help="Validate and score with a moving average of the weights, "
                                   "this decay per step (e.g. 0.99; 0 = off)."),
    distill: float = common.bounded_float(0.0, "--distill", hi=1.0,
                                  help="Mix the labels with a cross-fitted n-gram teacher's "
                                       "distributions, this weight (e.g. 0.5; 0 = off)."),
    distill_decay: float = common.bounded_float(0.98, "--distill-decay", hi=1.0,
                                        help="Multiply the teacher's weight by this per epoch."),
    distill_order: int = common.bounded_int(8, "--distill-order", lo=1, hi=64,
                                     help="Teacher n-gram order."),
    distill_folds: int = common.bounded_int(10, "--distill-folds", lo=1, hi=1000,
                                      help="Teacher cross-fitting folds (1 = a leaky "
                                           "teacher that counted every label)."),
    progress: bool = common.ProgressOption,
    seed: int = SeedOption,
    threads: int = ThreadsOption,
    config: Path = ConfigOption,
) -> None:
    """Train a recurrent LM by BPTT with gradient clipping; checkpoints and logs in --out.

    Example: seqlm rnn train --data timemachine --preset letters --model lstm --hidden 256
    --optimizer adam --lr 0.002 --epochs 20 --out runs/tm (then: --out runs/tm --resume
    --epochs 30)
    """
    from seqlm.apps.lm import resume_config, train_run
    from seqlm.cli.rnn_resume import given_options, resume_overrides

    o = options(ctx, config)
    common.run_folder(out, resume=o["resume"], overwrite=o["overwrite"])
    if o["resume"]:  # the run as it was started; how long / where / how loudly may change
        saved = _saved_run(out)
        run = resume_config(out, **resume_overrides(saved, given_options(ctx, o)))
    else:
        run = run_config(o)
    seed_everything(run.seed, o["threads"])
    _, result = train_run(run, out, resume=o["resume"], on_epoch=_epoch_line, log=echo)
    final = result.final
    if final.get("partial"):  # Ctrl-C or the time limit cut an epoch
        why = "interrupted" if result.stopped == "interrupted" else "time limit reached"
        of = f" of {final['batches_total']}" if final.get("batches_total") else ""
        echo(f"{why} in epoch {final['epoch'] + 1} after {final['batches_done']}{of} batches "
             f"(a partial epoch, not counted; step {final['step']}): checkpoint "
             f"{result.checkpoint}, validation perplexity now "
             f"{final.get('valid_ppl', math.nan):.3f}; --resume continues this epoch")
    else:
        echo(f"stopped: {result.stopped}; checkpoints {out}/last.pt and {out}/best.pt; "
             f"log {out}/epochs.csv; plots {out}/ppl.png, {out}/grad_norm.png")


def _load(checkpoint: Path, device: str, progress: bool = False) -> tuple[Any, str]:
    """The RNNLM of a checkpoint (``progress``: bars while it scores) and the normalisation
    preset its text needs."""
    from seqlm.apps.lm import load_lm
    from seqlm.train.checkpoint import check_finite_weights

    lm, ckpt = load_lm(checkpoint, device=device)
    check_finite_weights(lm.model.state_dict(), checkpoint)  # NaN weights: one line, not nan
    lm.progress = progress
    return lm, str((ckpt.get("extra") or {}).get("preset", "raw"))


CkptArg = typer.Argument(..., help="A checkpoint written by 'seqlm rnn train' (last.pt/best.pt).")
DeviceOption = common.DeviceOption


@app.command("eval")
def evaluate(
    checkpoint: Path = CkptArg,
    data: str = typer.Option(..., "--data", help="Registered dataset name or a text file."),
    split: str = typer.Option(None, "--split", help="Dataset split (e.g. test)."),
    last_frac: float = typer.Option(0.0, "--last-frac",
                                    help="Score only the last fraction of the text (held out)."),
    mix: Path = typer.Option(None, "--mix", help="A second model to interpolate with: an "
                             "n-gram model (.arpa/.npz, fitted with --vocab-from) or a .pt "
                             "checkpoint."),
    lam: float = typer.Option(None, "--lam", help="Weight of the RNN in the mixture [0, 1]."),
    tune_data: str = typer.Option(None, "--tune-data",
                                  help="Text to tune --lam on (dataset name or file)."),
    tune_split: str = typer.Option(None, "--tune-split", help="Its split (e.g. valid)."),
    dynamic_lr: float = typer.Option(0.0, "--dynamic-lr",
                                     help="Dynamic evaluation: SGD step after each segment "
                                          "(0 = static model)."),
    segment: int = typer.Option(50, "--segment", help="Tokens per dynamic-evaluation step."),
    dynamic_decay: float = typer.Option(0.0, "--dynamic-decay",
                                        help="Pull back to the trained weights per step."),
    dynamic_rms: str = typer.Option(None, "--dynamic-rms",
                                    help="RMS-normalised dynamic steps, gradient statistics "
                                         "from this text (the training text: name or file)."),
    dynamic_rms_split: str = typer.Option(None, "--dynamic-rms-split",
                                          help="Its split (e.g. train)."),
    device: str = DeviceOption,
    progress: bool = common.ProgressOption,
    threads: int = ThreadsOption,
) -> None:
    """Perplexity of a text under a trained model (same conventions as the n-gram models),
    optionally of its interpolation with a second model, the weight tuned on held-out text,
    and with dynamic evaluation (the model adapting to the text it has read).

    Example: seqlm rnn eval runs/tm/best.pt --data timemachine --preset letters
    --last-frac 0.1
    """
    from seqlm.apps.lm import split_text

    seed_everything(0, threads)  # nothing here is random; this sets the threads
    if mix is None and (lam is not None or tune_data or tune_split):
        raise ConfigError("--lam, --tune-data and --tune-split need --mix")
    if mix is not None and (lam is None) == (tune_data is None):
        raise ConfigError("with --mix give either --lam or --tune-data (to tune the weight)")
    lm, preset = _load(checkpoint, device, progress)
    if (dynamic_rms or dynamic_decay) and not dynamic_lr:
        raise ConfigError("--dynamic-rms and --dynamic-decay need --dynamic-lr")
    if dynamic_lr:
        from seqlm.rnn import DynamicEval

        lm = DynamicEval(lm, lr=dynamic_lr, segment=segment, decay=dynamic_decay)
        if dynamic_rms:
            lm.gradient_rms(_read(dynamic_rms, dynamic_rms_split, preset))
    text = _read(data, split, preset)
    if last_frac:
        text = split_text(text, last_frac)[1]
    if mix is None:
        echo(str(lm.perplexity(text)))
        return
    from seqlm.rnn import Interpolated

    other = _load_other(mix, device, progress)
    mixed = Interpolated(lm, other, lam if lam is not None else 0.5)
    if tune_data is not None:
        mixed.fit(_read(tune_data, tune_split, preset))
    echo(f"{checkpoint.name:<24} {lm.perplexity(text)}")  # the n-gram results' own format
    echo(f"{mix.name:<24} {other.perplexity(text)}")
    echo(f"mixture, lam={mixed.lam:.4f} {mixed.perplexity(text)}")


def _load_other(path: Path, device: str, progress: bool = False) -> Any:
    """The second model of a mixture: a .pt checkpoint is an RNN, anything else an n-gram."""
    if path.suffix == ".pt":
        return _load(path, device, progress)[0]
    from seqlm.ngram import load

    return load(path)


def _normalised(preset: str, text: str) -> str:
    from seqlm.data import normalise

    return normalise(text, preset)


@app.command()
def generate(
    checkpoint: Path = CkptArg,
    prefix: str = typer.Option("", "--prefix", help="Text to warm the state up on."),
    n: int = common.bounded_int(100, "-n", "--num", lo=0, hi=GENERATE_MAX,
                         help=f"Tokens to generate (at most {GENERATE_MAX:,})."),
    strategy: str = typer.Option("sample", "--strategy", help="greedy or sample."),
    temperature: float = common.bounded_float(1.0, "--temperature", lo=1e-6, hi=1e6,
                                       help="Divide the scores by this before sampling "
                                            "(< 1: more conservative, > 1: more random)."),
    top_k: int = common.bounded_int(None, "--top-k", lo=1,
                             help="Sample only among the k most probable tokens."),
    top_p: float = common.bounded_float(None, "--top-p", lo=0.0, hi=1.0,
                                 help="Sample only among the most probable tokens whose "
                                      "probabilities add up to p (nucleus sampling)."),
    device: str = DeviceOption,
    seed: int = SeedOption,
) -> None:
    """Continue a prefix (the book's warm-up, then one token at a time).

    Example: seqlm rnn generate runs/tm/best.pt --prefix "time traveller" -n 200
    --temperature 0.7
    """
    seed_everything(seed)
    lm, preset = _load(checkpoint, device)
    pre = _normalised(preset, prefix) if prefix else prefix
    echo(lm.generate(pre, n, strategy=strategy, temperature=temperature, top_k=top_k,
                     top_p=top_p, seed=seed))


@app.command()
def score(
    checkpoint: Path = CkptArg,
    texts: list[str] = typer.Argument(..., help="Sentences (word level) or texts to score."),
    full: bool = typer.Option(False, "--full", help="Per-token log10 probabilities too."),
    device: str = DeviceOption,
    progress: bool = common.ProgressOption,
) -> None:
    """log10 probability of each text (sentence mode: from <s>, with </s>; as KenLM).

    Example: seqlm rnn score runs/tm/best.pt "the time machine" --full
    """
    lm, preset = _load(checkpoint, device, progress)
    for text in texts:
        t = _normalised(preset, text)
        echo(f"{lm.score(t):.4f}\t{text}")
        if full:
            tokens = [tok for unit in lm.units(t) for tok in unit.targets]
            for tok, (lp, _, oov) in zip(tokens, lm.full_scores(t), strict=True):
                echo(f"  {lp:.4f}\t{tok!r}{'  (OOV)' if oov else ''}")


@app.command()
def compare(
    checkpoint: Path = CkptArg,
    texts: list[str] = typer.Argument(..., help="Two or more candidate texts."),
    device: str = DeviceOption,
) -> None:
    """Rank candidates by probability, most probable first.

    Example: seqlm rnn compare runs/tm/best.pt "the time machine" "the machine time"
    """
    if len(texts) < 2:
        raise ConfigError("compare needs at least two texts")
    lm, preset = _load(checkpoint, device)
    for text, log10_prob in lm.compare([_normalised(preset, t) for t in texts]):
        echo(f"{log10_prob:10.4f}  {text}")
