"""Demo section: tagging -- a word + character BiLSTM tags parts of speech, unseen words too."""

from __future__ import annotations

import torch

from seqlm.demo.context import DemoContext, demo_section
from seqlm.errors import SeqlmError


@demo_section("tag", order=60)
def run(ctx: DemoContext) -> None:
    """Train a small tagger on a few hundred EWT sentences for seconds; tag a sentence."""
    from seqlm.apps.tag import (
        evaluate_tagger,
        load_tagged,
        predict,
        split_sentence,
        tag_data,
        train_tagger,
    )
    from seqlm.train import TrainConfig

    ctx.section("Tagging: one tag per word, from the word and its spelling")
    try:
        train, dev = load_tagged("ud-en-ewt", "train"), load_tagged("ud-en-ewt", "dev")
    except SeqlmError as exc:
        ctx.say(f"skipped: UD English-EWT is not available ({exc}); "
                "'seqlm data fetch ud-en-ewt' fetches it")
        return
    n = 300 if ctx.quick else 800
    torch.manual_seed(ctx.seed)
    data = tag_data(train[:n], dev[:200])
    cfg = TrainConfig(epochs=4 if ctx.quick else 6, optimizer="adam", lr=0.01, clip=5.0,
                      progress=False, device="cpu")
    model, _ = train_tagger({"hidden": 32, "layers": 1, "char_hidden": 24, "word_embed": 32},
                            data, cfg, batch_size=8, seed=ctx.seed)
    scores = evaluate_tagger(model, data.vocabs, dev[:200])
    ctx.say(f"UD English-EWT (CC BY-SA 4.0): {n} training sentences; 200 dev sentences: "
            f"UPOS accuracy {100 * scores.accuracy:.1f}%, on the {scores.unseen_tokens} words "
            f"never seen in training {100 * scores.unseen_accuracy:.1f}% (from their spelling)")
    sentence = split_sentence("The gostak distims the doshes .")
    tags = predict(model, data.vocabs, [sentence])[0]
    ctx.say("  " + " ".join(f"{w}/{t}" for w, t in zip(sentence.words, tags, strict=True)))
    ctx.say("(the full model: 'seqlm tag train --data ud-en-ewt --valid-split dev', docs/apps.md)")
