"""Demo section: an encoder-decoder learns to write English numbers as Chinese numerals.

"three hundred and forty - five" -> 三百四十五: the output is not aligned with the input and has
another length ("and" and "-" have no counterpart, 105 -> 一百零五 adds a 零), the many-to-many
unaligned case. Seconds of training; greedy and beam search on held-out numbers; the attention
of one translation as a heat map.
"""

from __future__ import annotations

import random

from seqlm.demo.context import DemoContext, demo_section

ONES = "zero one two three four five six seven eight nine".split()
TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
DIGITS = "零一二三四五六七八九"


def english(n: int) -> str:
    """1..999 in English words ("one hundred and five", "forty-two")."""
    hundreds, rest = divmod(n, 100)
    words = [f"{ONES[hundreds]} hundred"] if hundreds else []
    if rest:
        if hundreds:
            words.append("and")
        tens, ones = divmod(rest, 10)
        if rest < 10:
            words.append(ONES[rest])
        elif rest < 20:
            words.append(TEENS[ones])
        else:
            words.append(TENS[tens] + (f"-{ONES[ones]}" if ones else ""))
    return " ".join(words)


def chinese(n: int) -> str:
    """1..999 in Chinese numerals (十五, 一百零五, 三百四十五)."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = f"{DIGITS[hundreds]}百" if hundreds else ""
    if tens:
        out += "十" if tens == 1 and not hundreds else f"{DIGITS[tens]}十"
    elif hundreds and ones:
        out += "零"
    return out + (DIGITS[ones] if ones else "")


@demo_section("translate", order=70)
def run(ctx: DemoContext) -> None:
    """Train a small GRU encoder-decoder with attention on 800 numbers; test on the rest."""
    from seqlm.apps.translate import (
        DataConfig,
        RunConfig,
        SearchConfig,
        Seq2SeqConfig,
        Translator,
        train_translation,
    )
    from seqlm.apps.translate.pairs import write_pairs
    from seqlm.apps.translate.plot import plot_attention
    from seqlm.train import TrainConfig

    ctx.section("Translation: an encoder-decoder with attention (many-to-many, unaligned)")
    numbers = list(range(1, 1000))
    random.Random(ctx.seed).shuffle(numbers)
    pairs = [(english(n), chinese(n)) for n in numbers]
    train, valid, test = pairs[:800], pairs[800:850], pairs[850:]
    folder = ctx.out / "translate"
    write_pairs(folder / "train.tsv", train)
    write_pairs(folder / "valid.tsv", valid)
    run_cfg = RunConfig(DataConfig(str(folder / "train.tsv"), valid=str(folder / "valid.tsv"),
                                   src_min_freq=1),
                        Seq2SeqConfig(embed=32, hidden=64, dropout=0.0), batch_size=32,
                        seed=ctx.seed)
    epochs = 8 if ctx.quick else 20
    ctx.say(f"English numbers -> Chinese numerals, e.g. '{english(345)}' -> {chinese(345)}, "
            f"'{english(105)}' -> {chinese(105)}; {len(train)} to learn from, {len(test)} "
            f"held out; a bidirectional GRU encoder, additive attention, {epochs} epochs")
    train_translation(run_cfg, TrainConfig(epochs=epochs, optimizer="adam", lr=1e-2, clip=1.0,
                                           progress=False), folder / "run")
    translator = Translator.load(folder / "run" / "best.pt")
    for name, beam in (("greedy", 1), ("beam 4", 4)):
        scores, hyps = translator.evaluate(test, SearchConfig(beam=beam))
        exact = sum(h.text == ref for h, (_, ref) in zip(hyps, test, strict=True)) / len(test)
        ctx.say(f"{name:<7} held-out numbers written exactly right {100 * exact:5.1f}%, "
                f"BLEU {scores.bleu:5.1f}, chrF {scores.chrf:5.1f}")
    [shown] = translator.translate([english(345)], SearchConfig(beam=4))
    ctx.say(f"'{english(345)}' -> {shown.text}")
    if shown.attention is not None:
        path = ctx.out / "translate_attention.png"
        plot_attention(shown.attention.numpy(), shown.source_tokens,
                       [*shown.tokens, "<eos>"][: shown.attention.shape[0]], path)
        ctx.say(f"where the decoder looked for each character: {path}")
