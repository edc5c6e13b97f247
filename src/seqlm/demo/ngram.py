"""Demo section: the seed's counting language models on the demo corpus (section 2 of the notes)."""

from __future__ import annotations

from seqlm.demo.context import DemoContext, demo_section
from seqlm.ngram.model import NgramLM


@demo_section("ngram", order=20)
def run(ctx: DemoContext) -> None:
    """Unigram/bigram/trigram perplexities, 'recognize speech' vs 'wreck a nice beach', samples."""
    ctx.section("n-gram language models: counting (seed section 2)")
    train, test = ctx.split(0.9)
    ctx.say(f"corpus: {ctx.source}; words, stream mode, first 90% train / last 10% held out")
    ctx.say("p(x, x') = n(x)/n * n(x, x')/n(x): the counting (MLE) model gives unseen n-grams "
            "probability 0, so its perplexity is infinite; smoothing fixes that.")
    models = {}
    for n, name in ((1, "unigram"), (2, "bigram"), (3, "trigram")):
        mle = NgramLM(n, "mle", mode="stream").fit(train).perplexity(test)
        mkn = NgramLM(n, mode="stream").fit(train)
        models[n] = mkn
        res = mkn.perplexity(test)
        ctx.say(f"  {name:<8} MLE ppl {mle.ppl:>9.2f} ({mle.zero_prob} of {mle.tokens} tokens "
                f"with p=0)   modified Kneser-Ney ppl {res.ppl:8.2f}  ({res.bits_per_token:.2f} "
                "bits/word)")
    ctx.say("which is more likely? (trigram, log10 probability; both start from 'to')")
    for rank, (s, lp) in enumerate(models[3].compare(["to recognize speech",
                                                      "to wreck a nice beach"]), 1):
        ctx.say(f"  {rank}. {lp:8.3f}  {s}")
    ctx.say("sampled from the trigram model (x_t ~ p(x_t | x_{t-2}, x_{t-1})):")
    for i in range(2 if ctx.quick else 3):
        words = models[3].generate(12, prefix=["the", "time"], seed=ctx.seed + i)
        ctx.say("  the time " + " ".join(words))
