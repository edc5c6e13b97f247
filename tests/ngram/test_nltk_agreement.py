"""Same probabilities as nltk.lm for the estimators both have, under the same conventions.

Conventions are matched explicitly: nltk is given exactly the n-grams seqlm counts (one <s>,
one </s>; in sentence mode not the unigram <s>, which seqlm never predicts), and seqlm uses
``interpolate_unigram=False`` where nltk's lowest level is the plain unigram distribution
(nltk gives unseen words probability 0 there; seqlm's default mixes in the uniform
distribution so that every word has a probability). Kneser-Ney is compared in stream mode
with nltk seeing one leading <s>: seqlm counts the stream start as one distinct left context,
and nltk's continuation counts need a word before the first n-gram to do the same.
"""

from __future__ import annotations

import math
import random

import pytest

from seqlm.ngram import NgramLM

nltk_lm = pytest.importorskip("nltk.lm", reason="nltk is not installed")
from nltk.util import everygrams  # noqa: E402

ORDER = 3


def sentences(seed: int = 0) -> list[list[str]]:
    rng = random.Random(seed)
    words = "the a cat dog sat on mat ran".split()
    return [rng.choices(words, [8, 6, 4, 4, 3, 3, 2, 1], k=rng.randint(1, 7)) for _ in range(40)]


def sentence_setup() -> tuple[list[list[str]], list[tuple[str, ...]], list[str]]:
    sents = sentences()
    padded = [["<s>", *s, "</s>"] for s in sents]
    grams = [g for p in padded for g in everygrams(p, max_len=ORDER) if g != ("<s>",)]
    contexts = sorted({tuple(p[max(0, i - ORDER + 1):i]) for p in padded
                       for i in range(1, len(p))})
    words = sorted({w for s in sents for w in s} | {"</s>"})
    return [list(grams)], contexts, words  # type: ignore[list-item]


def stream_setup(lead: bool) -> tuple[str, list[list[tuple[str, ...]]], list[tuple[str, ...]],
                                      list[str], list[str]]:
    toks = [w for s in sentences(1) for w in s]
    seq = (["<s>"] if lead else []) + toks
    grams = [list(everygrams(seq, max_len=ORDER))]
    contexts = sorted({tuple(toks[i - ORDER + 1:i]) for i in range(ORDER - 1, len(toks))})
    return " ".join(toks), grams, contexts, sorted(set(toks)), seq


def check(ours: NgramLM, theirs: object, contexts: list[tuple[str, ...]],
          words: list[str]) -> None:
    for ctx in contexts:
        for w in words:
            want = theirs.score(w, ctx)  # type: ignore[attr-defined]
            got = math.exp(ours.logprob(w, ctx))
            assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-15), (w, ctx, got, want)


@pytest.mark.parametrize("name", ["mle", "witten_bell", "absolute"])
def test_sentence_mode_estimators(name: str) -> None:
    grams, contexts, words = sentence_setup()
    vocab_text = [w for s in sentences() for w in ["<s>", *s, "</s>"]]
    cls = {"mle": nltk_lm.MLE, "witten_bell": nltk_lm.WittenBellInterpolated,
           "absolute": nltk_lm.AbsoluteDiscountingInterpolated}[name]
    theirs = cls(ORDER)
    theirs.fit(grams, vocab_text)
    ours = NgramLM(ORDER, name, interpolate_unigram=False).fit(
        "\n".join(" ".join(s) for s in sentences()))
    check(ours, theirs, contexts, words)


@pytest.mark.parametrize("name,k", [("laplace", 1.0), ("lidstone", 0.3)])
def test_add_k_stream_mode(name: str, k: float) -> None:
    text, grams, contexts, words, seq = stream_setup(lead=False)
    theirs = nltk_lm.Laplace(ORDER) if name == "laplace" else nltk_lm.Lidstone(k, ORDER)
    theirs.fit(grams, seq)
    ours = NgramLM(ORDER, name, mode="stream", k=k).fit(text)
    assert len(theirs.vocab) == len(ours.vocab)  # both count <unk>
    check(ours, theirs, contexts, words)


def test_kneser_ney_same_discount_stream_mode() -> None:
    text, grams, contexts, words, seq = stream_setup(lead=True)
    theirs = nltk_lm.KneserNeyInterpolated(ORDER, discount=0.1)
    theirs.fit(grams, seq)
    ours = NgramLM(ORDER, "kneser_ney", mode="stream", discount=0.1,
                   interpolate_unigram=False).fit(text)
    check(ours, theirs, contexts, words)
