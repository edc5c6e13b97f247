"""A toy tagging language where a word's tag is told by its suffix (so spelling generalises)."""

from __future__ import annotations

import random

from seqlm.apps.tag import Sentence

SUFFIX = {"ing": "VERB", "ly": "ADV", "ness": "NOUN"}
ROOTS = ["walk", "talk", "quick", "slow", "dark", "kind", "open", "bright", "calm", "sharp",
         "soft", "plain", "warm", "cold", "bold", "fair", "keen", "mild", "neat", "rich"]


def toy_sentences(n: int, seed: int = 0, roots: list[str] | None = None) -> list[Sentence]:
    """``n`` sentences of 2-7 words: 'the' (DET) or root+suffix (the suffix's tag)."""
    rng = random.Random(seed)
    roots = roots or ROOTS
    out = []
    for _ in range(n):
        words, tags = [], []
        for _ in range(rng.randint(2, 7)):
            if rng.random() < 0.2:
                words.append("the")
                tags.append("DET")
            else:
                suffix = rng.choice(sorted(SUFFIX))
                words.append(rng.choice(roots) + suffix)
                tags.append(SUFFIX[suffix])
        out.append(Sentence(tuple(words), tuple(tags)))
    return out
