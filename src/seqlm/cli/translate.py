"""``seqlm translate train | eval | predict | split``: encoder-decoder translation."""

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
from seqlm.errors import ConfigError, DataError

app = typer.Typer(help="Encoder-decoder translation (English -> Chinese by default): train, "
                       "evaluate with BLEU/chrF, translate.", no_args_is_help=True)

CkptArg = typer.Argument(..., help="A checkpoint of 'seqlm translate train' (best.pt/last.pt).")
BeamOption = bounded_int(5, "--beam", lo=1, hi=100, help="Beam size (1 = greedy decoding).")
AlphaOption = bounded_float(0.6, "--alpha", hi=10.0,
                            help="Length normalisation ((5+|y|)/6)^alpha; 0 = none.")
SIZE = 65536  # the largest embedding/hidden/batch size an option accepts


def _epoch_line(row: dict[str, Any]) -> None:
    echo(f"epoch {row['epoch']:>3}  train ppl {row['train_ppl']:8.3f}  valid ppl "
         f"{row['valid_ppl']:8.3f}  lr {row['lr']:.3g}  ||g|| {row['grad_norm_mean']:.3g} "
         f"(clipped {100 * row['clipped_frac']:.0f}%)  {row['items_per_s']:,.0f} tok/s  "
         f"cpu {row.get('cpu_s', 0.0) / 60:.1f} min")


@app.command()
def train(
    ctx: typer.Context,
    out: str = typer.Option(..., "--out", help="Folder for best.pt, last.pt, logs and plots."),
    data: str = typer.Option(None, "--data", help="Pairs: a TSV file (source<TAB>target) or a "
                             "registered dataset (eng-cn)."),
    valid: str = typer.Option(None, "--valid", help="Validation pairs (default: the built-in "
                              "de-duplicated, seeded split of --data)."),
    reverse: bool = typer.Option(False, "--reverse", help="Translate column 2 -> column 1 "
                                 "(Chinese -> English for eng-cn)."),
    src_tokenizer: str = typer.Option(None, "--src-tokenizer", help="Any registered tokenizer "
                                      "(default en_words, or zh_chars with --reverse)."),
    tgt_tokenizer: str = typer.Option(None, "--tgt-tokenizer", help="Default zh_chars "
                                      "(en_words with --reverse)."),
    dedupe: bool = typer.Option(True, "--dedupe/--no-dedupe",
                                help="Built-in split: drop repeated normalised sources."),
    valid_frac: float = bounded_float(0.05, "--valid-frac", hi=0.9),
    test_frac: float = bounded_float(0.05, "--test-frac", hi=0.9),
    split_seed: int = bounded_int(0, "--split-seed", hi=2**32 - 1,
                                  help="Seed of the built-in split."),
    src_min_freq: int = bounded_int(2, "--src-min-freq", help="Rarer source tokens -> <unk>."),
    tgt_min_freq: int = bounded_int(1, "--tgt-min-freq"),
    cell: str = typer.Option("gru", "--cell", help="Any seqlm.rnn kind: gru, lstm, rnn, "
                             "gru_scratch, lstm_scratch, rnn_scratch."),
    embed: int = bounded_int(256, "--embed", lo=1, hi=SIZE),
    hidden: int = bounded_int(256, "--hidden", lo=1, hi=SIZE),
    layers: int = bounded_int(1, "--layers", lo=1, hi=16),
    bidirectional: bool = typer.Option(True, "--bidirectional/--unidirectional"),
    attention: str = typer.Option("additive", "--attention", help="additive or none."),
    dropout: float = bounded_float(0.4, "--dropout", hi=0.95),
    label_smoothing: float = bounded_float(0.1, "--label-smoothing", hi=0.99,
                                           help="Train on (1-eps) one-hot + eps uniform "
                                                "targets; validation stays the plain NLL."),
    batch_size: int = bounded_int(64, "--batch-size", lo=1, hi=SIZE),
    optimizer: str = typer.Option("adam", "--optimizer", help="sgd, adam or adamw."),
    lr: float = bounded_float(2e-3, "--lr", hi=100.0),
    clip: float = bounded_float(1.0, "--clip", help="Gradient-norm threshold theta (0 = off)."),
    anneal: float = bounded_float(0.5, "--anneal", hi=0.99,
                                  help="Multiply lr by this on a validation plateau (0 = off)."),
    patience: int = bounded_int(0, "--patience", help="Early stop after N bad epochs (0 = off)."),
    ema: float = bounded_float(0.999, "--ema", hi=0.999999, help="Validate, keep and decode "
                               "with an exponential moving average of the weights with this "
                               "decay (0 = off, the last weights)."),
    epochs: int = bounded_int(None, "--epochs", lo=1, hi=100000, help="Epochs in all [30]."),
    time_limit: float = bounded_float(0.0, "--time-limit",
                                      help="Stop after N wall-clock seconds (0 = off)."),
    cpu_limit: float = bounded_float(0.0, "--cpu-limit", help="Stop before an epoch that would "
                                     "pass N seconds of process CPU time (0 = off)."),
    resume: bool = ResumeOption,
    overwrite: bool = OverwriteOption,
    device: str = DeviceOption,
    progress: bool = ProgressOption,
    seed: int = SeedOption,
    threads: int = ThreadsOption,
    config: Path = ConfigOption,
) -> None:
    """Train an encoder-decoder by teacher forcing with gradient clipping (``--config run.toml``:
    the same options from a TOML file, the command line overriding it)."""
    from seqlm.apps.translate import (
        DataConfig,
        RunConfig,
        Seq2SeqConfig,
        resume_translation,
        train_translation,
    )
    from seqlm.train import TrainConfig

    o = options(ctx, config)
    folder = run_folder(o["out"], resume=o["resume"], overwrite=o["overwrite"])
    seed_everything(o["seed"], o["threads"])
    wall = o["time_limit"] or None
    if o["resume"]:
        _, _, result = resume_translation(folder, o["epochs"], _epoch_line, device=o["device"],
                                          progress=o["progress"], time_limit_s=wall)
    else:
        if o["data"] is None:
            raise ConfigError("--data is required (a TSV file of pairs or a dataset name)")
        pairs = DataConfig(*(o[k] for k in ("data", "valid", "reverse", "src_tokenizer",
                                           "tgt_tokenizer", "dedupe", "valid_frac",
                                           "test_frac", "split_seed", "src_min_freq",
                                           "tgt_min_freq")))
        model = Seq2SeqConfig(**{k: o[k] for k in ("cell", "embed", "hidden", "layers",
                                                   "bidirectional", "attention", "dropout")})
        run = RunConfig(pairs, model, batch_size=o["batch_size"], seed=o["seed"],
                        cpu_limit_s=o["cpu_limit"] or None,
                        label_smoothing=o["label_smoothing"])
        tc = TrainConfig(epochs=o["epochs"] or 30, optimizer=o["optimizer"], lr=o["lr"],
                         clip=o["clip"] or None, anneal_factor=o["anneal"] or None,
                         early_stop_patience=o["patience"] or None, device=o["device"],
                         ema_decay=o["ema"] or None,
                         progress=o["progress"], time_limit_s=wall)
        _, _, result = train_translation(run, tc, folder, _epoch_line)
    echo(f"stopped: {result.stopped}; checkpoints {folder}/best.pt and {folder}/last.pt; "
         f"log {folder}/epochs.csv")


def _search(beam: int, alpha: float) -> Any:
    from seqlm.apps.translate import SearchConfig

    return SearchConfig(beam=beam, alpha=alpha)


@app.command("eval")
def evaluate(
    checkpoint: Path = CkptArg,
    data: str = typer.Option(..., "--data", help="Test pairs (TSV file or dataset name)."),
    split: str = typer.Option(None, "--split", help="test or valid: that part of the "
                              "checkpoint's built-in split of --data."),
    beam: int = BeamOption,
    alpha: float = AlphaOption,
    as_json: bool = JsonOption,
    device: str = DeviceOption,
    progress: bool = ProgressOption,
    seed: int = SeedOption,
    threads: int = ThreadsOption,
) -> None:
    """Corpus BLEU (sacrebleu, tokenize zh for Chinese output) and chrF on every pair."""
    from seqlm.apps.translate import Translator, read_pairs

    seed_everything(seed, threads)
    translator = Translator.load(checkpoint, device)
    if split is not None:
        pairs = translator.data.part(split, data=data)
    else:
        pairs = translator.data.orient(read_pairs(data))
    scores, _ = translator.evaluate(pairs, _search(beam, alpha), progress=progress)
    if as_json:
        emit_json(scores.to_dict())
    else:
        echo(f"BLEU {scores.bleu:.2f}  chrF {scores.chrf:.2f}  on {scores.sentences} "
             f"sentences (beam {beam})")
        echo(f"  BLEU {scores.bleu_signature}")
        echo(f"  chrF {scores.chrf_signature}")


@app.command()
def predict(
    checkpoint: Path = CkptArg,
    text: str = typer.Argument(..., help="A sentence, or '-' to read one per line from stdin."),
    beam: int = BeamOption,
    alpha: float = AlphaOption,
    attention: str = typer.Option(None, "--attention", help="Write the attention heat map "
                                  "(source tokens x output tokens) of ONE sentence here (PNG)."),
    device: str = DeviceOption,
    seed: int = SeedOption,
) -> None:
    """Translate a sentence (or stdin, one a line: a blank line gives a blank line)."""
    from seqlm.apps.translate import Translator

    seed_everything(seed)
    lines = sys.stdin.read().splitlines() if text == "-" else [text]
    if text != "-" and not text.strip():
        raise DataError("nothing to translate: the sentence is empty")
    if attention is not None and len(lines) != 1:
        raise ConfigError("--attention draws one sentence; give one, not stdin lines")
    picture = output_file(attention, (checkpoint,), "--attention", stdout_ok=False)
    translator = Translator.load(checkpoint, device)
    results = translator.translate([line for line in lines if line.strip()],
                                   _search(beam, alpha))
    done = iter(results)
    for line in lines:
        if not line.strip():
            echo("")
            continue
        result = next(done)
        if len(result.unknown) == len(result.source_tokens) - 1:
            sys.stderr.write("seqlm: note: every source word is unknown to the model "
                             "(each read as <unk>)\n")
        echo(result.text)
    if picture is not None:
        _plot(results[0], picture)


def _plot(result: Any, path: Path) -> None:
    """The heat map of one translation (its rows include the final <eos> step)."""
    from seqlm.apps.translate.plot import plot_attention

    if result.attention is None:
        raise ConfigError("this model has no attention (trained with --attention none)")
    output = [*result.tokens, "<eos>"][: result.attention.shape[0]]
    if not plot_attention(result.attention.numpy(), result.source_tokens, output, path):
        sys.stderr.write("seqlm: note: no CJK font installed; Chinese labels are shown as "
                         "code points (install fonts-noto-cjk)\n")
    echo(f"attention heat map: {path}")


@app.command("split")
def split_cmd(
    data: str = typer.Argument(..., help="Pairs: a TSV file or a registered dataset (eng-cn)."),
    out: str = typer.Option(..., "--out", help="Folder for train.tsv, valid.tsv, test.tsv."),
    dedupe: bool = typer.Option(True, "--dedupe/--no-dedupe"),
    valid_frac: float = bounded_float(0.05, "--valid-frac", hi=0.9),
    test_frac: float = bounded_float(0.05, "--test-frac", hi=0.9),
    seed: int = SeedOption,
) -> None:
    """Write the built-in split (de-duplicated on the normalised column-1 sentence) as files."""
    from seqlm.apps.translate import DataConfig
    from seqlm.apps.translate.pairs import write_pairs
    from seqlm.io import check_output_dir

    folder = check_output_dir(out, what="--out")
    cfg = DataConfig(data, dedupe=dedupe, valid_frac=valid_frac, test_frac=test_frac,
                     split_seed=seed)
    for part in ("train", "valid", "test"):
        pairs = cfg.part(part)
        write_pairs(folder / f"{part}.tsv", pairs)
        echo(f"{part}: {len(pairs):,} pairs -> {folder / (part + '.tsv')}")
