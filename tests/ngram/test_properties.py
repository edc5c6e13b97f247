"""Property tests: every estimator but stupid backoff is a distribution over vocab + </s>."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from seqlm.ngram import NgramLM

PROPER = ["mle", "laplace", "lidstone", "witten_bell", "absolute", "kneser_ney",
          "modified_kneser_ney"]
WORDS = list("abcdef")

sentences = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8),
                     min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(sents=sentences, order=st.integers(1, 4), est=st.sampled_from(PROPER),
       mode=st.sampled_from(["sentence", "stream"]),
       ctx=st.lists(st.sampled_from([*WORDS, "zz", "<s>"]), max_size=4),
       interp=st.booleans())
def test_distribution_sums_to_one(sents: list[list[str]], order: int, est: str, mode: str,
                                  ctx: list[str], interp: bool) -> None:
    text = "\n".join(" ".join(s) for s in sents)
    assume(mode != "stream" or len(text.split()) >= 2)  # a stream needs two tokens
    model = NgramLM(order, est, mode=mode, interpolate_unigram=interp).fit(text)  # type: ignore
    if mode == "stream":
        ctx = [t for t in ctx if t != "<s>"]
    elif ctx and "<s>" in ctx:
        ctx = ctx[ctx.index("<s>"):]  # <s> only ever starts a context
    tokens, p = model.next_token_distribution(ctx)
    assert "<s>" not in tokens and "<unk>" in tokens
    assert (mode == "stream") or "</s>" in tokens
    assert np.all(p >= 0)
    total = float(p.sum())
    assume(not (est == "mle" and total == 0.0))  # MLE is undefined after an unseen context
    assert math.isclose(total, 1.0, rel_tol=1e-9), (total, ctx)


@settings(max_examples=30, deadline=None)
@given(sents=sentences, order=st.integers(1, 4))
def test_stupid_backoff_scores_are_not_normalised_but_positive(sents: list[list[str]],
                                                                order: int) -> None:
    text = "\n".join(" ".join(s) for s in sents)
    model = NgramLM(order, "stupid_backoff").fit(text)
    lp = model.token_logprobs(text)
    assert np.all(np.isfinite(lp)) and np.all(lp <= 0)
    assert not model.perplexity(text).proper


@pytest.mark.parametrize("est", ["witten_bell", "absolute", "kneser_ney", "modified_kneser_ney"])
def test_estimation_by_chunks_of_contexts_is_exact(est: str, monkeypatch: pytest.MonkeyPatch
                                                   ) -> None:
    """Chunks of a few n-grams (a context often spans several chunks' worth, empty contexts
    fall between chunks) give exactly the one-chunk tables."""
    import seqlm.ngram.estimators as estimators

    text = "\n".join(" ".join(f"w{(i * j) % 13}" for j in range(i % 9 + 2)) for i in range(80))
    whole = NgramLM(4, est).fit(text)
    monkeypatch.setattr(estimators, "CHUNK_ROWS", 3)
    parts = NgramLM(4, est).fit(text)
    assert whole.tables is not None and parts.tables is not None
    for a, b in zip(whole.tables.logp + whole.tables.logbow,
                    parts.tables.logp + parts.tables.logbow, strict=True):
        np.testing.assert_array_equal(a, b)
