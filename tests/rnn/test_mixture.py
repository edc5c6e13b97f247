"""Interpolation against a hand computation with two toy unigram models, and its bad inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from seqlm.data import Vocab
from seqlm.data.conventions import units
from seqlm.errors import ConfigError, DataError
from seqlm.rnn import RNNLM, Interpolated, RNNScratch, lm_vocab

VOCAB = Vocab(["a", "b"])


class Unigram:
    """A toy model: p(token) fixed, ignoring the context; stream mode over words."""

    mode, tokenizer = "stream", "word"

    def __init__(self, probs: dict[str, float], vocab: Vocab = VOCAB) -> None:
        self.probs, self.vocab = probs, vocab

    def token_logprobs(self, text: str) -> np.ndarray:
        return np.log([self.probs[t] for u in units(text, "stream", "word") for t in u.targets])


P1 = Unigram({"a": 0.9, "b": 0.1})
P2 = Unigram({"a": 0.2, "b": 0.8})


def test_lambda_and_perplexity_by_hand() -> None:
    # valid targets: a, a, b (first token is context). L(lam) = 2 ln(0.2 + 0.7 lam)
    # + ln(0.8 - 0.7 lam); L' = 0 gives lam = (0.8 * 2 - 0.2 * 1) / (0.7 * 3) = 2/3,
    # where p(a) = 2/3 and p(b) = 1/3.
    mix = Interpolated(P1, P2).fit("b a a b")
    assert math.isclose(mix.lam, 2 / 3, abs_tol=1e-9)
    res = mix.perplexity("a b a")  # targets b, a
    expected = math.exp(-(math.log(1 / 3) + math.log(2 / 3)) / 2)
    assert math.isclose(res.ppl, expected, rel_tol=1e-8)
    assert res.tokens == 2 and res.oov == 0
    assert math.isclose(mix.score("a b a"), math.log10(2 / 9), rel_tol=1e-8)


def test_fixed_weight_and_boundaries() -> None:
    mix = Interpolated(P1, P2, lam=0.25)
    np.testing.assert_allclose(np.exp(mix.token_logprobs("a b a")),
                               [0.25 * 0.1 + 0.75 * 0.8, 0.25 * 0.9 + 0.75 * 0.2])
    # a model that is better on every token takes all the weight
    assert Interpolated(P1, P2).fit("a a a a").lam == 1.0
    assert Interpolated(P1, P2).fit("b b b").lam == 0.0
    np.testing.assert_allclose(Interpolated(P1, P2, 1.0).token_logprobs("a b"), np.log([0.1]))


def test_fitted_weight_maximises_validation_likelihood() -> None:
    torch.manual_seed(0)
    text = "a b a a b b a b a a a b a"
    vocab = lm_vocab(text, "stream", "word")
    rnn = RNNLM(RNNScratch(4, vocab_size=len(vocab)), vocab, "stream", "word")
    toy = Unigram({"<unk>": 0.1, "a": 0.6, "b": 0.3}, vocab)
    mix = Interpolated(rnn, toy).fit(text)
    grid = np.linspace(0, 1, 2001)
    best = grid[np.argmax([mix.log_likelihood(text, lam) for lam in grid])]
    assert abs(mix.lam - best) <= 1e-3
    assert mix.log_likelihood(text) >= max(mix.log_likelihood(text, lam) for lam in grid) - 1e-9
    # mixing an RNN with itself changes nothing
    same = Interpolated(rnn, rnn, lam=0.3)
    np.testing.assert_allclose(same.token_logprobs(text), rnn.token_logprobs(text), rtol=1e-12)
    assert math.isclose(same.perplexity(text).ppl, rnn.perplexity(text).ppl)


def test_bad_mixtures() -> None:
    with pytest.raises(ConfigError, match="vocabulary mismatch"):
        Interpolated(P1, Unigram({"a": 0.5, "b": 0.5}, Vocab(["a", "b", "c"])))
    other_mode = Unigram({"a": 0.5, "b": 0.5})
    other_mode.mode = "sentence"
    with pytest.raises(ConfigError, match="scoring modes"):
        Interpolated(P1, other_mode)
    with pytest.raises(ConfigError, match="token_logprobs"):
        Interpolated(P1, object())
    with pytest.raises(ConfigError, match="weight"):
        Interpolated(P1, P2, lam=1.5)

    class Short(Unigram):
        def token_logprobs(self, text: str) -> np.ndarray:
            return super().token_logprobs(text)[:-1]

    with pytest.raises(DataError, match="different numbers"):
        Interpolated(P1, Short({"a": 0.5, "b": 0.5})).perplexity("a b a")


def test_rnn_plus_ngram() -> None:
    from seqlm.ngram import NgramLM

    train = "the cat sat on the mat\nthe dog sat on the cat\na cat and a dog"
    valid = "the dog sat on the mat\na cat sat"
    ngram = NgramLM(2, mode="sentence", tokenizer="word").fit(train)
    vocab = lm_vocab(train, "sentence", "word")
    assert vocab == ngram.vocab  # lm_vocab builds the n-gram model's vocabulary
    torch.manual_seed(0)
    rnn = RNNLM(RNNScratch(6, vocab_size=len(vocab), embed_size=4), vocab, "sentence", "word")
    mix = Interpolated(rnn, ngram).fit(valid)
    lam = mix.lam
    by_hand = np.log(lam * np.exp(rnn.token_logprobs(valid))
                     + (1 - lam) * np.exp(ngram.token_logprobs(valid)))
    np.testing.assert_allclose(mix.token_logprobs(valid), by_hand, rtol=1e-12)
    assert mix.log_likelihood(valid) >= max(mix.log_likelihood(valid, 0.0),
                                            mix.log_likelihood(valid, 1.0)) - 1e-12
    assert mix.perplexity(valid).tokens == ngram.perplexity(valid).tokens
    backoff = NgramLM(2, "stupid_backoff", mode="sentence", tokenizer="word").fit(train)
    with pytest.raises(ConfigError, match="not probabilities"):
        Interpolated(rnn, backoff)
    other = NgramLM(2, mode="sentence", tokenizer="word").fit(train + "\nzebra")
    with pytest.raises(ConfigError, match="vocabulary mismatch"):
        Interpolated(rnn, other)
