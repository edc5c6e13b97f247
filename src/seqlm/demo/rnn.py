"""Demo section: a char-level recurrent LM, held-out perplexity, exploding gradients, samples."""

from __future__ import annotations

import math
from typing import Any

from seqlm.demo.context import DemoContext, demo_section

QUICK_CHARS = 40_000  # --quick trains on this much text (the full demo: 2.5M characters)


def _ngram_perplexities(train: str, test: str, vocab: Any) -> dict[str, float]:
    """Held-out perplexity of modified-KN char n-grams on the same split and vocabulary."""
    from seqlm.ngram import NgramLM

    out = {}
    for order in (5, 8):
        model = NgramLM(order, "modified_kneser_ney", mode="stream", tokenizer="char",
                        vocab=vocab).fit(train)
        out[f"{order}-gram modified Kneser-Ney"] = model.perplexity(test).ppl
    return out


def _epochs(chars: float, train_chars: int) -> int:
    """Epochs that see about ``chars`` characters: a fixed amount of work, so that the same
    seed gives the same numbers on any CPU (a time budget would not)."""
    return max(1, round(chars / max(train_chars, 1)))


@demo_section("rnn", order=30)
def run(ctx: DemoContext) -> None:
    """Train a small GRU on the first 90% of the corpus, score the rest, show clipping at work."""
    from seqlm.apps.lm import lm_data, make_trainer, train_lm
    from seqlm.rnn import build_model
    from seqlm.train import TrainConfig, TrainingDiverged
    from seqlm.train.logs import plot_grad_norms

    ctx.section("Recurrent language models: BPTT, gradient clipping, perplexity")
    train_text, test_text = ctx.split(0.9)
    if ctx.quick:  # a smoke run: one pass over the first QUICK_CHARS characters
        train_text = train_text[:QUICK_CHARS]
    data = lm_data(train_text, test_text, "char")
    epochs = _epochs(QUICK_CHARS if ctx.quick else 2.5e6, len(data.train_ids))
    ctx.say(f"char-level GRU (256 hidden units, dropout 0.3, {len(data.vocab)} tokens), Adam, "
            f"clip 1, sequential batches (truncated BPTT), {epochs} epochs ...")
    cfg = TrainConfig(epochs=epochs, optimizer="adam", lr=0.005, clip=1.0, progress=False,
                      log_interval=20)
    lm, result = train_lm({"kind": "gru", "num_hiddens": 256, "embed_size": 32, "dropout": 0.3},
                          data, cfg,
                          batch_size=32, num_steps=35, seed=ctx.seed)
    last = result.history[-1]
    ppl = lm.perplexity(test_text).ppl
    ctx.say(f"trained {len(result.history)} epochs, {last['items_per_s']:,.0f} chars/s; "
            f"train perplexity {last['train_ppl']:.2f}")
    ctx.say(f"held-out perplexity (last 10%, stream mode): GRU {ppl:.3f} per char")
    ngrams = _ngram_perplexities(train_text, test_text, data.vocab)
    for name, value in ngrams.items():
        ctx.say(f"{'':>43}{name} {value:.3f}")
    verdict = "beats" if ppl < min(ngrams.values()) else "does not yet beat"
    ctx.say(f"uniform over the alphabet would be {len(data.vocab) - 1}; lower is better. "
            f"This short training {verdict} the counting models;")
    ctx.say("bench/rnn_train_charlm.py trains a 2x512 LSTM for up to 10 minutes and mixes it "
            "with the 8-gram model (docs/train.md has the figures).")

    # exploding gradients: the book's scratch RNN at lr 1, with and without clipping
    runs: dict[str, Any] = {}
    epochs = _epochs(QUICK_CHARS if ctx.quick else 3e5, len(data.train_ids))
    for label, clip in (("clip theta=1", 1.0), ("no clipping", None)):
        model = build_model({"kind": "rnn_scratch", "num_hiddens": 256,
                             "vocab_size": len(data.vocab)})
        tc = TrainConfig(epochs=epochs, optimizer="sgd", lr=1.0, clip=clip, progress=False,
                         log_interval=5)
        trainer = make_trainer(model, data, tc, seed=ctx.seed)
        try:
            note = f"valid ppl {trainer.fit().history[-1]['valid_ppl']:.4g}"
        except TrainingDiverged:  # part of the story: shown, not fatal
            note = "diverged (NaN/inf loss)"
        rows = runs[label] = trainer.intervals
        worst = max((row["grad_norm_max"] for row in rows), default=math.nan)
        clipped = (sum(row["clipped_frac"] for row in rows) / len(rows)) if rows else math.nan
        ctx.say(f"scratch RNN, SGD lr 1, {label:<13}: largest ||g|| {worst:8.2f}, "
                f"clipped steps {100 * clipped:5.1f}%, {note}")
    path = plot_grad_norms(runs, ctx.out / "rnn_grad_norm.png", clip=1.0,
                           title="gradient norm before clipping (scratch RNN, lr 1)")
    ctx.say(f"gradient norms per 5 steps, clipped vs unclipped: {path}")

    for temperature in (0.5, 1.0):
        text = lm.generate("the time traveller ", 80, strategy="sample",
                           temperature=temperature, seed=ctx.seed)
        ctx.say(f"sample at temperature {temperature}: {text!r}")
