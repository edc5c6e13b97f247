"""RNNLM: token_logprobs against a step-by-step computation, the KenLM-style verbs, generation."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch

from seqlm.data import Vocab
from seqlm.errors import ConfigError, DataError
from seqlm.rnn import RNNLM, LSTMScratch, RNNScratch, TorchRNN, lm_tokens, lm_vocab

TEXT = "the cat sat\non the mat\nthe dog"


def step_by_step(model, ids: list[int]) -> list[float]:
    """ln p(ids[t+1] | ids[:t+1]) feeding one token at a time from the zero state."""
    state, out = None, []
    with torch.no_grad():
        for a, b in itertools.pairwise(ids):
            logits, state = model(torch.tensor([[a]]), state)
            out.append(torch.log_softmax(logits[0, -1].double(), -1)[b].item())
    return out


@pytest.fixture
def word_lm() -> RNNLM:
    torch.manual_seed(0)
    vocab = lm_vocab(TEXT, "sentence", "word")
    model = TorchRNN("gru", 8, vocab_size=len(vocab), embed_size=4, num_layers=2, dropout=0.5)
    return RNNLM(model, vocab, "sentence", "word", batch_size=2, chunk=2)


def test_sentence_mode_matches_step_by_step(word_lm: RNNLM) -> None:
    text = "the cat sat on the mat\nthe dog\ncat"  # lengths differ: padding and chunks matter
    lp = word_lm.token_logprobs(text)
    assert word_lm.model.training  # scoring does not leave the model in eval mode
    word_lm.model.eval()  # (dropout 0.5 would make the reference random)
    expected = []
    for line in text.splitlines():
        expected += step_by_step(word_lm.model, word_lm.vocab[["<s>", *line.split(), "</s>"]])
    np.testing.assert_allclose(lp, expected, rtol=1e-6, atol=1e-6)


def test_stream_mode_first_token_is_context() -> None:
    torch.manual_seed(1)
    text = "abcab cab"
    vocab = lm_vocab(text, "stream", "char")
    model = RNNScratch(5, vocab_size=len(vocab))
    lm = RNNLM(model, vocab, "stream", "char", chunk=3)
    lp = lm.token_logprobs(text)
    assert lp.shape == (len(text) - 1,)
    np.testing.assert_allclose(lp, step_by_step(model, vocab[list(text)]), rtol=1e-6)


def test_score_perplexity_full_scores(word_lm: RNNLM) -> None:
    text = "the cat sat\nthe zebra"  # zebra is unseen -> <unk>, still predicted
    lp = word_lm.token_logprobs(text)
    assert lp.shape == (4 + 3,)
    assert math.isclose(word_lm.score(text), lp.sum() / math.log(10), rel_tol=1e-12)
    # sentence mode: each line from a fresh state, so scores add up line by line
    parts = word_lm.score("the cat sat") + word_lm.score("the zebra")
    assert math.isclose(word_lm.score(text), parts, rel_tol=1e-9)
    rows = word_lm.full_scores("the zebra")
    # (log10 p, history length + 1, OOV): history <s> -> 2, <s> the -> 3, <s> the zebra -> 4
    assert [(n, oov) for _, n, oov in rows] == [(2, False), (3, True), (4, False)]
    np.testing.assert_allclose([p for p, _, _ in rows], lp[4:] / math.log(10), rtol=1e-12)
    res = word_lm.perplexity(text)
    assert (res.tokens, res.oov, res.zero_prob, res.proper) == (7, 1, 0, True)
    assert math.isclose(res.ppl, math.exp(-lp.mean()), rel_tol=1e-12)
    known = np.delete(lp, 5)  # position of 'zebra'
    assert math.isclose(res.ppl_excl_oov, math.exp(-known.mean()), rel_tol=1e-12)
    assert math.isclose(res.bits_per_token, -lp.mean() / math.log(2), rel_tol=1e-12)
    assert math.isclose(res.logprob, lp.sum(), rel_tol=1e-12)
    # a list of sentences is the same corpus as the lines of one text
    assert word_lm.perplexity(["the cat sat", "the zebra"]) == res


def test_compare_ranks_by_probability(word_lm: RNNLM) -> None:
    candidates = ["the cat sat", "mat the on cat the", "dog"]
    ranked = word_lm.compare(candidates)
    assert sorted(text for text, _ in ranked) == sorted(candidates)
    scores = [score for _, score in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(math.isclose(score, word_lm.score(text)) for text, score in ranked)


def manual_greedy(model, vocab, prefix: str, n: int) -> str:
    """The book's predict: warm up token by token, then feed back the argmax."""
    state, outputs = None, [vocab[prefix[0]]]
    with torch.no_grad():
        for ch in prefix[1:]:
            _, state = model(torch.tensor([[outputs[-1]]]), state)
            outputs.append(vocab[ch])
        for _ in range(n):
            logits, state = model(torch.tensor([[outputs[-1]]]), state)
            outputs.append(int(logits[0, -1].argmax()))
    return "".join(vocab.to_tokens(outputs))


def test_greedy_generation_matches_the_book_loop() -> None:
    torch.manual_seed(2)
    vocab = Vocab(list("abcde "))
    model = LSTMScratch(6, vocab_size=len(vocab))
    lm = RNNLM(model, vocab, "stream", "char")
    assert lm.generate("abc", 10) == manual_greedy(model, vocab, "abc", 10)
    assert lm.generate("abc", 0) == "abc"


def test_trained_model_continues_a_memorised_pattern() -> None:
    torch.manual_seed(3)
    text = "abcd" * 50
    vocab = lm_vocab(text, "stream", "char")
    model = RNNScratch(16, vocab_size=len(vocab))
    ids = torch.tensor(vocab.encode(lm_tokens(text, "stream", "char")))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(60):
        logits, _ = model(ids[None, :-1])
        loss = torch.nn.functional.cross_entropy(logits[0], ids[1:])
        opt.zero_grad()
        loss.backward()
        opt.step()
    lm = RNNLM(model, vocab, "stream", "char")
    assert lm.generate("bc", 9) == "bcdabcdabcd"
    assert lm.perplexity("abcdabcd").ppl < 1.2


def test_sampling_is_seeded(word_lm: RNNLM) -> None:
    a = word_lm.generate("the", 20, strategy="sample", temperature=2.0, seed=5)
    b = word_lm.generate("the", 20, strategy="sample", temperature=2.0, seed=5)
    assert a == b and a.startswith("the")
    others = {word_lm.generate("the", 20, strategy="sample", temperature=2.0, seed=s)
              for s in range(6)}
    assert len(others) > 1


def test_sentence_generation_stops_at_end_of_sentence() -> None:
    vocab = lm_vocab("a b", "sentence", "word")
    model = RNNScratch(3, vocab_size=len(vocab)).double()
    with torch.no_grad():
        model.W_hq.zero_()
        model.b_q.zero_()
        model.b_q[vocab["</s>"]] = 10.0
    lm = RNNLM(model, vocab, "sentence", "word")
    assert lm.generate("a b", 5) == "a b"
    assert lm.generate("", 5) == ""  # sentence mode starts from <s>: an empty prefix is fine


def test_unseen_prefix() -> None:
    vocab = Vocab(list("abc"))
    lm = RNNLM(RNNScratch(3, vocab_size=len(vocab)), vocab, "stream", "char")
    with pytest.raises(DataError, match="never saw: 'x', 'z'"):
        lm.generate("azx", 3)
    with pytest.raises(DataError, match="non-empty prefix"):
        lm.generate("", 3)
    # word models map unseen words to <unk> (documented), as scoring does
    wv = lm_vocab("a b", "sentence", "word")
    wlm = RNNLM(RNNScratch(3, vocab_size=len(wv)), wv, "sentence", "word")
    assert wlm.generate("a zebra", 0) == "a zebra"


@pytest.mark.parametrize(
    "kwargs",
    [{"n": -1}, {"n": 2.5}, {"strategy": "beam"}, {"temperature": 0.0},
     {"temperature": float("nan")}, {"top_k": 0}, {"top_p": 1.5}, {"top_p": 0.0}],
)
def test_bad_generation_settings(word_lm: RNNLM, kwargs) -> None:
    with pytest.raises(ConfigError):
        word_lm.generate("the", **{"n": 3, **kwargs})


def test_bad_setups() -> None:
    vocab = lm_vocab("a b", "sentence", "word")
    with pytest.raises(ConfigError, match="vocabulary mismatch"):
        RNNLM(RNNScratch(3, vocab_size=len(vocab) + 1), vocab)
    with pytest.raises(ConfigError, match="vocabulary mismatch"):
        RNNLM(RNNScratch(3, vocab_size=len(vocab), output_size=2), vocab)
    plain = Vocab(["a", "b"])
    with pytest.raises(ConfigError, match="sentence mode needs"):
        RNNLM(RNNScratch(3, vocab_size=len(plain)), plain, "sentence")
    with pytest.raises(ConfigError, match="unknown mode"):
        RNNLM(RNNScratch(3, vocab_size=len(plain)), plain, "paragraph")  # type: ignore[arg-type]
    lm = RNNLM(RNNScratch(3, vocab_size=len(vocab)), vocab)
    with pytest.raises(DataError, match="nothing to score"):
        lm.perplexity("  \n\n")


def test_training_stream_matches_scoring_units() -> None:
    assert lm_tokens("a b\n\nc", "sentence") == ["<s>", "a", "b", "</s>", "<s>", "c", "</s>"]
    assert lm_tokens("ab c", "stream", "char") == list("ab c")
    v = lm_vocab("a b\nc", "sentence")
    assert v.idx_to_token[:3] == ["<unk>", "<s>", "</s>"]


def test_next_token_probabilities_sum_to_one() -> None:
    torch.manual_seed(4)
    vocab = Vocab(list("abc"))
    lm = RNNLM(LSTMScratch(4, vocab_size=len(vocab)), vocab, "stream", "char")
    for prefix in ("a", "cab"):
        # '?' is unseen: it stands for <unk>, the fourth token of the vocabulary
        total = sum(math.exp(lm.token_logprobs(prefix + x)[-1]) for x in "abc?")
        assert math.isclose(total, 1.0, rel_tol=1e-6)


def test_unseen_words_score_as_unk(word_lm: RNNLM) -> None:
    np.testing.assert_array_equal(word_lm.token_logprobs("the zebra"),
                                  word_lm.token_logprobs("the <unk>"))
    # the literal <unk> (PTB has many) is an ordinary word, not an OOV, as in seqlm.ngram
    assert [oov for _, _, oov in word_lm.full_scores("the <unk> zebra")] == [False, False, True,
                                                                            False]
