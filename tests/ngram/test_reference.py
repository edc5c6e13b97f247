"""Every estimator against the brute-force dictionary model in reference.py."""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest

from seqlm.ngram import NgramLM
from tests.ngram.reference import RefModel

ESTIMATORS = ["mle", "laplace", "lidstone", "witten_bell", "absolute", "kneser_ney",
              "modified_kneser_ney", "stupid_backoff"]


def corpus(seed: int, n_sent: int = 60, vocab: str = "abcdefgh") -> list[list[str]]:
    rng = random.Random(seed)
    # skewed word frequencies so that every count-of-count bucket is populated
    weights = [2 ** -i for i in range(len(vocab))]
    return [rng.choices(list(vocab), weights, k=rng.randint(1, 9)) for _ in range(n_sent)]


@pytest.mark.parametrize("estimator", ESTIMATORS)
@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_matches_brute_force(estimator: str, order: int) -> None:
    train = corpus(order)
    test = corpus(100 + order, n_sent=15, vocab="abcdefghxy")  # x, y are unseen
    kw = {"k": 0.5} if estimator == "lidstone" else {}
    kw.update({"discount": 0.6} if estimator in ("absolute", "kneser_ney") else {})
    model = NgramLM(order, estimator, **kw).fit("\n".join(" ".join(s) for s in train))
    ref = RefModel(train, order, estimator, k=kw.get("k", 1.0), discount=kw.get("discount", 0.75))
    got = model.token_logprobs("\n".join(" ".join(s) for s in test))
    want = np.array([lp for s in test for lp in ref.logprob_sentence(s)])
    assert got.shape == want.shape
    finite = np.isfinite(want)
    assert (np.isfinite(got) == finite).all()
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("order", [2, 3])
def test_mkn_discounts_match_brute_force(order: int) -> None:
    train = corpus(7, n_sent=400, vocab="abcdefghijklmnop")
    model = NgramLM(order).fit("\n".join(" ".join(s) for s in train))
    ref = RefModel(train, order, "modified_kneser_ney")
    for n in range(1, order + 1):
        np.testing.assert_allclose(model.discounts[n - 1], ref.D[n], rtol=1e-12)


def test_seed_counting_formula_bigram() -> None:
    """p(x, x') = n(x)/n * n(x, x')/n(x): unigram and bigram MLE from hand counts (stream mode).

    The conditional's n(x) counts x as a context (occurrences followed by a token), so that
    the bigram probabilities of one context sum to 1.
    """
    rng = random.Random(3)
    toks = rng.choices("the time machine by wells".split(), k=300)
    text = " ".join(toks)
    uni = NgramLM(1, "mle", mode="stream").fit(text)
    bi = NgramLM(2, "mle", mode="stream").fit(text)
    n = len(toks)
    for x in set(toks):
        n_x = toks.count(x)
        n_ctx = sum(1 for a in toks[:-1] if a == x)
        assert math.isclose(math.exp(uni.logprob(x)), n_x / n, rel_tol=1e-12)
        for x2 in set(toks):
            n_xx = sum(1 for a, b in itertools.pairwise(toks) if (a, b) == (x, x2))
            p = math.exp(bi.logprob(x2, [x]))
            assert math.isclose(p, n_xx / n_ctx, rel_tol=1e-12, abs_tol=0.0)
            assert uni.count([x]) == n_x and bi.count([x, x2]) == n_xx


def test_trigram_counts_brute_force() -> None:
    train = corpus(11, n_sent=80)
    model = NgramLM(3, "mle").fit("\n".join(" ".join(s) for s in train))
    ref = RefModel(train, 3, "mle")
    for n in (1, 2, 3):
        expect = {g: c for g, c in ref.raw[n].items()}
        assert model.num_ngrams[n - 1] == len(expect) + (1 if n == 1 else 0)  # + <unk>
        for g, c in expect.items():
            assert model.count(list(g)) == c
    assert model.count(["a", "zz"]) == 0
