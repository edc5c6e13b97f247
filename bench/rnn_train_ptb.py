"""PTB word level, LSTM 2x200 (pytorch/examples word_language_model setting): seqlm.train's
throughput vs a minimal hand-written nn.LSTM loop run in the same process, and (full mode)
training toward test perplexity <= 115 (Zaremba et al.'s small LSTM).

    python bench/rnn_train_ptb.py --quick            # throughput only, ~1-2 minutes on 2 cores
    python bench/rnn_train_ptb.py                    # + full training (up to --minutes, 40)
    python bench/rnn_train_ptb.py --model rnn_scratch --lr 2   # the scratch RNN vs KN5 (141.2)

The throughput rows always use word_language_model's setting (dropout 0.2, untied, bptt 35,
batch 20, SGD); the --train-* options set only the full training run (Zaremba et al.'s small
LSTM: --train-lr 1 --clip 5 --train-bptt 20 --lr-decay 0.5 --lr-decay-start 4 --epochs 13).

Test perplexity is reported two ways: of the running text (state carried across sentences, as
Zaremba et al. and word_language_model measure it) and in sentence mode (each sentence from a
zero state, the n-gram models' convention, as KN5's 141.2). <s> is never a counted prediction.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterator
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch
from torch import nn

import benchutil

REF_TOKS = 9.45e3  # word_language_model LSTM 2x200 on this machine's CPU, tokens/s

# The entry `python -m bench` (bench/__main__.py) runs these; full = the README's PTB rows.
BENCH = {
    "quick": ["--quick", "--batches", "30"],
    "full": [
        ["--quick"],  # the loop vs a hand-written nn.LSTM loop (throughput)
        ["--model", "lstm", "--tie", "--dropout", "0.2", "--train-lr", "20", "--clip", "0.25",
         "--lr-decay", "0.6", "--lr-decay-start", "6", "--anneal", "0", "--epochs", "16",
         "--minutes", "40", "--skip-throughput"],
        ["--model", "rnn_scratch", "--hidden", "512", "--tie", "--dropout", "0.5",
         "--weight-drop", "0.2", "--optimizer", "adam", "--train-lr", "1e-3", "--clip", "0.25",
         "--train-batch", "32", "--anneal", "0.5", "--lr-decay", "0.6", "--lr-decay-start", "6",
         "--precision", "bf16", "--skip-throughput", "--minutes", "40"],
    ],
}


class Take:
    """The first ``n`` batches of a loader, keeping its ``carries_state`` (for timing)."""

    def __init__(self, loader: Any, n: int) -> None:
        self.loader, self.n = loader, n
        self.carries_state = loader.carries_state

    def __iter__(self) -> Iterator[Any]:
        for i, b in enumerate(self.loader):
            if i >= self.n:
                return
            yield b


class HandLSTM(nn.Module):
    """word_language_model's RNNModel for LSTM, written out: embed, LSTM, dropout, decode."""

    def __init__(self, ntoken: int, size: int = 200, layers: int = 2, dropout: float = 0.2):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, size)
        self.rnn = nn.LSTM(size, size, layers, dropout=dropout, batch_first=True)
        self.decoder = nn.Linear(size, ntoken)

    def forward(self, x: torch.Tensor, h: Any) -> tuple[torch.Tensor, Any]:
        out, h = self.rnn(self.drop(self.encoder(x)), h)
        return self.decoder(self.drop(out)), h


def hand_loop(ids: Any, vocab_size: int, batches: int, device: torch.device,
              lr: float = 20.0, clip: float = 0.25) -> float:
    """The baseline: embedding, LSTM, linear, cross-entropy, clip, plain SGD. Returns tok/s."""
    from seqlm.data import SeqDataLoader

    model = HandLSTM(vocab_size).to(device)
    loader = SeqDataLoader(ids, 20, 35, strategy="sequential", seed=0)
    crit = nn.CrossEntropyLoss()
    h = None
    model.train()
    sync(device)
    t0, tokens = time.perf_counter(), 0
    for i, (x, y) in enumerate(loader):
        if i >= batches:
            break
        x, y = x.to(device), y.to(device)
        h = None if h is None else tuple(t.detach() for t in h)
        model.zero_grad()
        out, h = model(x, h)
        loss = crit(out.reshape(-1, vocab_size), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(p.grad, alpha=-lr)
        loss.item()  # the example prints the loss too: one sync per step, as ours
        tokens += y.numel()
    sync(device)
    return tokens / (time.perf_counter() - t0)


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def ours(ids: Any, vocab_size: int, batches: int, device: torch.device, kind: str,
         lr: float, clip: float) -> float:
    """seqlm: build_model + SeqDataLoader + Trainer, same sizes and optimiser. Returns tok/s."""
    from seqlm.data import SeqDataLoader
    from seqlm.rnn import build_model
    from seqlm.train import LanguageModelTask, TrainConfig, Trainer

    model = build_model(model_config(kind, vocab_size))
    loader = Take(SeqDataLoader(ids, 20, 35, strategy="sequential", seed=0), batches)
    cfg = TrainConfig(epochs=1, optimizer="sgd", lr=lr, clip=clip, progress=False,
                      device=str(device), log_interval=50)
    trainer = Trainer(model, LanguageModelTask(), loader, None, cfg)
    sync(device)
    t0 = time.perf_counter()
    res = trainer.fit()
    sync(device)
    return res.history[0]["items"] / (time.perf_counter() - t0)


def model_config(kind: str, vocab_size: int, dropout: float = 0.2, tie: bool = False,
                 hidden: int = 200, layers: int = 2, weight_drop: float = 0.0) -> dict[str, Any]:
    cfg = {"kind": kind, "num_hiddens": hidden, "embed_size": hidden, "vocab_size": vocab_size,
           "dropout": dropout, "tie_weights": tie, "weight_drop": weight_drop}
    return cfg | {"num_layers": layers} if kind in ("rnn", "gru", "lstm") else cfg


def per_epoch_test(args: Any, data: Any, test_ids: Any, device: torch.device,
                   t_start: float) -> Any:
    """An on_step hook printing the test perplexity (running text, 10 rows, the averaged
    weights if any) each time an epoch ends -- for time-budgeted runs (gpu_check.sh)."""
    if not args.test_each_epoch:
        return None
    from contextlib import nullcontext

    from seqlm.apps.lm import lm_task
    from seqlm.train import StreamBatches, evaluate

    seen = {"epoch": 0}

    def hook(trainer: Any, step: int) -> None:
        if len(trainer.history) == seen["epoch"]:
            return
        seen["epoch"] = len(trainer.history)
        weights = trainer.average.applied(trainer.model) if trainer.average else nullcontext()
        with weights:
            loss, _ = evaluate(trainer.model, lm_task(data), StreamBatches(test_ids, 10, 35),
                               device)
        print(f"  after epoch {seen['epoch']}: test ppl {math.exp(loss):.2f} (running text, "
              f"10 rows) at {(time.perf_counter() - t_start) / 60:.1f} min", flush=True)
    return hook


def main() -> None:
    p = benchutil.parser(__doc__ or "")
    p.add_argument("--device", default="cpu")
    p.add_argument("--precision", default="fp32", help="fp32 or bf16 (autocast) training")
    p.add_argument("--model", default="lstm")
    p.add_argument("--lr", type=float, default=20.0)
    p.add_argument("--clip", type=float, default=0.25)
    p.add_argument("--minutes", type=float, default=40.0, help="full-mode training budget")
    p.add_argument("--batches", type=int, default=0, help="batches per throughput run")
    p.add_argument("--skip-throughput", action="store_true")
    p.add_argument("--hidden", type=int, default=200, help="full run: hidden = embedding size")
    p.add_argument("--layers", type=int, default=2, help="full run: layers (torch.nn models)")
    p.add_argument("--dropout", type=float, default=0.2, help="full run: dropout")
    p.add_argument("--tie", action="store_true", help="full run: tie embedding and decoder")
    p.add_argument("--weight-drop", type=float, default=0.0,
                   help="full run: DropConnect on hidden-to-hidden weights")
    p.add_argument("--optimizer", default="sgd", help="full run: sgd, adam or adamw")
    p.add_argument("--train-lr", type=float, default=None, help="full run: lr (default --lr)")
    p.add_argument("--train-bptt", type=int, default=35, help="full run: time steps")
    p.add_argument("--train-batch", type=int, default=20, help="full run: batch size")
    p.add_argument("--epochs", type=int, default=100, help="full run: most epochs")
    p.add_argument("--anneal", type=float, default=0.25, help="full run: plateau factor (0 off)")
    p.add_argument("--lr-decay", type=float, default=0.0, help="full run: per-epoch decay")
    p.add_argument("--lr-decay-start", type=int, default=1)
    p.add_argument("--ema", type=float, default=0.0, help="full run: weight average decay")
    p.add_argument("--eval-lines", type=int, default=0,
                   help="score only the first N validation and test sentences (a smoke test "
                        "on a slow CPU: the figures are then not PTB's; 0 = all)")
    p.add_argument("--test-each-epoch", action="store_true",
                   help="full run: print the test perplexity (running text, 10 rows) per epoch")
    args = p.parse_args()
    benchutil.setup_data_env()
    if args.threads:
        torch.set_num_threads(args.threads)
    from seqlm.apps.lm import lm_data, running_perplexity, train_lm
    from seqlm.cli.common import seed_everything
    from seqlm.data import load_text
    from seqlm.rnn import lm_tokens
    from seqlm.train import TrainConfig, resolve_device

    device = resolve_device(args.device)
    seed_everything(args.seed)
    t0 = time.perf_counter()
    train, valid, test = (load_text("ptb", s) for s in ("train", "valid", "test"))
    if args.eval_lines:
        valid, test = ("\n".join(t.splitlines()[:args.eval_lines]) for t in (valid, test))
        print(f"--eval-lines {args.eval_lines}: validation and test cut to their first "
              f"{args.eval_lines} sentences (NOT the PTB figures)")
    data = lm_data(train, valid, "word")
    V = len(data.vocab)
    print(f"PTB: vocabulary {V}, {len(data.train_ids):,} training tokens (sentence mode: "
          f"<s> w ... </s>), prepared in {time.perf_counter() - t0:.1f} s; device {device}")
    n = args.batches or (60 if args.quick else 200) * (10 if device.type == "cuda" else 1)
    rows, hand, mine = [], [], []
    for _ in range(0 if args.skip_throughput else 2 if args.quick else 3):  # alternate; medians
        hand.append(hand_loop(data.train_ids, V, n, device))
        mine.append(ours(data.train_ids, V, n, device, args.model, args.lr, args.clip))
    if hand:
        hand_t, mine_t = sorted(hand)[len(hand) // 2], sorted(mine)[len(mine) // 2]
        rows.append(benchutil.Row(f"seqlm.train {args.model} 2x200 tok/s vs hand loop", mine_t,
                                  hand_t, "tok/s"))
        rows.append(benchutil.Row("hand-written nn.LSTM loop tok/s vs example's 9.45k", hand_t,
                                  REF_TOKS, "tok/s"))
        rows.append(benchutil.Row("seqlm.train tok/s vs example's 9.45k", mine_t, REF_TOKS,
                                  "tok/s"))
    if not args.quick:
        cfg = TrainConfig(epochs=args.epochs, optimizer=args.optimizer,
                          lr=args.train_lr or args.lr, clip=args.clip,
                          anneal_factor=args.anneal or None, anneal_patience=0,
                          lr_decay=args.lr_decay or None, lr_decay_start=args.lr_decay_start,
                          early_stop_patience=3, device=str(device), progress=False,
                          time_limit_s=args.minutes * 60, precision=args.precision,
                          ema_decay=args.ema or None)
        mc = model_config(args.model, V, args.dropout, args.tie, args.hidden, args.layers,
                          args.weight_drop)
        print(f"full run: {mc}, {cfg.optimizer} lr {cfg.lr:g}, clip {cfg.clip}, batch "
              f"{args.train_batch}, bptt {args.train_bptt}", flush=True)
        t1 = time.perf_counter()
        test_ids = data.vocab.encode(lm_tokens(test, "sentence", "word"))
        lm, res = train_lm(mc, data, cfg, batch_size=args.train_batch,
                           num_steps=args.train_bptt, seed=args.seed,
                           on_step=per_epoch_test(args, data, test_ids, device, t1),
                           on_epoch=lambda r: print(f"  epoch {r['epoch']} train ppl "
                                                    f"{r['train_ppl']:.2f} valid ppl "
                                                    f"{r['valid_ppl']:.2f} lr {r['lr']:g} "
                                                    f"{r['items_per_s']:,.0f} tok/s "
                                                    f"({(time.perf_counter() - t1) / 60:.1f} "
                                                    "min)", flush=True))
        minutes = (time.perf_counter() - t1) / 60
        # a time limit inside epoch 1 (gpu_check.sh --quick on a CPU) leaves a partial epoch
        first = (res.history[0] if res.history else res.final).get("valid_ppl", math.nan)
        after = ("1 epoch" if res.history else
                 f"{res.final.get('batches_done', 0)} batches of epoch 1")
        test_ppl = lm.perplexity(test).ppl  # sentence mode, every sentence from a zero state
        running = running_perplexity(lm.model, data, test_ids, device=str(device))
        part = f" and part of epoch {len(res.history) + 1}" if res.final.get("partial") else ""
        print(f"trained {len(res.history)} epochs{part} in {minutes:.1f} min ({res.stopped})")
        rows.append(benchutil.Row(f"valid ppl after {after} (example, 1 epoch: 214.4)", first,
                                  214.4, "ppl", higher_is_better=False))
        target = 115.0 if args.model == "lstm" else 141.2
        rows.append(benchutil.Row(f"{args.model} test ppl, running text (target {target:g})",
                                  running, target, "ppl", higher_is_better=False))
        rows.append(benchutil.Row(f"{args.model} test ppl, sentence mode (KN5 141.2)", test_ppl,
                                  141.2, "ppl", higher_is_better=False))
        rows.append(benchutil.Row("training minutes (budget 40)", minutes, 40.0, "min",
                                  higher_is_better=False))
        if not math.isfinite(test_ppl):
            print("test perplexity is not finite")
    benchutil.print_table(f"PTB word LM ({args.model}; throughput: 2x200, batch 20, bptt 35, "
                          f"SGD lr {args.lr:g}, clip {args.clip:g}, {n} batches per timing; "
                          f"device {device})", rows)


if __name__ == "__main__":
    main()
