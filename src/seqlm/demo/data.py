"""Demo section: what the corpus looks like — counts, frequent n-grams and Zipf's law."""

from __future__ import annotations

from seqlm.data.stats import corpus_stats, zipf_plot
from seqlm.demo.context import DemoContext, demo_section


@demo_section("data", order=10)
def run(ctx: DemoContext) -> None:
    """Print word and character statistics and write the Zipf plot."""
    ctx.section("Data: tokens, vocabulary, Zipf's law")
    words = ctx.text.split()
    stats = corpus_stats(words, top_k=5)
    ctx.say(f"corpus: {ctx.source}")
    ctx.say(f"{len(ctx.text):,} characters ({len(set(ctx.text))} distinct after preprocessing), "
            f"{stats.num_tokens:,} words, {stats.num_types:,} word types")
    for n in (1, 2, 3):
        grams = ", ".join(f"'{' '.join(g)}' {c}" for g, c in stats.top[n])
        ctx.say(f"top {n}-grams: {grams}")
    path = ctx.out / "zipf.png"
    zipf_plot(words, path, title=f"Zipf's law: {ctx.source}")
    ctx.say(f"word frequency falls as a power of rank (a straight line in log-log): {path}")
