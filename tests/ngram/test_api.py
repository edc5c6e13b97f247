"""API behaviour: perplexity bookkeeping, scores in log10, generation, counts, bad input."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from seqlm.data import Vocab, read_text
from seqlm.data.conventions import units
from seqlm.errors import ConfigError, DataError, SeqlmError
from seqlm.ngram import NgramLM

TRAIN = "the cat sat on the mat\nthe dog sat on the log\na cat ran\nthe dog ran on"


def test_perplexity_is_corpus_level_with_oov_accounting() -> None:
    m = NgramLM(2, "witten_bell").fit(TRAIN)
    text = "the cat sat\nthe zebra ran"
    res = m.perplexity(text)
    lp = m.token_logprobs(text)
    assert res.tokens == len(lp) == 3 + 1 + 3 + 1
    assert res.oov == 1  # zebra
    assert math.isclose(res.ppl, math.exp(-lp.mean()))
    keep = np.ones(len(lp), dtype=bool)
    keep[5] = False  # position of "zebra" among the predicted tokens
    assert math.isclose(res.ppl_excl_oov, math.exp(-lp[keep].mean()))
    assert math.isclose(res.bits_per_token, -lp.mean() / math.log(2))
    assert math.isclose(m.score("the cat sat"), lp[:4].sum() / math.log(10))


def test_mle_unseen_gives_infinite_perplexity_and_counts_zero_prob_tokens() -> None:
    m = NgramLM(2, "mle").fit(TRAIN)
    res = m.perplexity("the cat ran\nthe mat sat")
    assert res.ppl == math.inf and res.zero_prob >= 2 and res.logprob == -math.inf
    assert "probability 0" in str(res)


def test_token_logprobs_follow_shared_units_and_vocab() -> None:
    m = NgramLM(3).fit(TRAIN)
    text = "the cat sat\nzebra"
    expected = sum(len(u.targets) for u in units(text, m.mode, m.tokenizer))
    assert len(m.token_logprobs(text)) == expected
    assert isinstance(m.vocab, Vocab) and m.vocab.idx_to_token[0] == "<unk>"
    assert m.logprob("zebra", ["<s>"]) == m.logprob("<unk>", ["<s>"])


def test_full_scores_match_score_and_logprob() -> None:
    m = NgramLM(3, "kneser_ney").fit(TRAIN)
    fs = m.full_scores("the cat ran")
    assert [n for _, n, _ in fs] == [2, 3, 2, 3]  # <s> the | <s> the cat | cat ran | cat ran </s>
    assert math.isclose(sum(p for p, _, _ in fs), m.score("the cat ran"))
    assert math.isclose(fs[1][0], m.logprob("cat", ["<s>", "the"]) / math.log(10))


def test_compare_ranks_by_probability() -> None:
    m = NgramLM(2, "witten_bell").fit(TRAIN)
    ranked = m.compare(["dog the on", "the dog sat on the mat"])
    assert ranked[0][0] == "the dog sat on the mat" and ranked[0][1] > ranked[1][1]


def test_generate_is_reproducible_and_respects_top_k() -> None:
    m = NgramLM(2, "witten_bell").fit(TRAIN)
    a = m.generate(20, seed=3)
    assert a == m.generate(20, seed=3)
    assert all(t in m.vocab for t in a) and "</s>" not in a and "<s>" not in a
    greedy = m.generate(5, prefix="the", top_k=1, seed=0)
    tokens, p = m.next_token_distribution(["<s>", "the"])
    assert greedy[0] == tokens[int(np.argmax(p))]
    with pytest.raises(ConfigError):
        m.generate(3, temperature=0)
    with pytest.raises(ConfigError):
        m.generate(3, top_k=0)


def test_stream_mode_characters() -> None:
    text = read_text(Path(__file__).parent / "fixtures" / "tiny.train.txt").replace("\n", " ")
    m = NgramLM(3, mode="stream", tokenizer="char").fit(text)
    assert "</s>" not in m.vocab and "<s>" not in m.vocab
    assert len(m.token_logprobs("abca")) == 3
    assert m.perplexity("abca").tokens == 3


def test_fixed_vocabulary_is_kept_and_checked() -> None:
    shared = Vocab("the cat sat dog".split(), reserved_tokens=["<s>", "</s>"])
    m = NgramLM(2, vocab=shared).fit(TRAIN)
    assert m.vocab is shared
    assert m.logprob("mat", ["the"]) == m.logprob("<unk>", ["the"])  # mat is not in it
    with pytest.raises(ConfigError, match="<s>"):
        NgramLM(2, vocab=Vocab("the cat".split())).fit(TRAIN)


def test_counts_access() -> None:
    m = NgramLM(3, "mle").fit(TRAIN)
    assert m.count("the") == 5 and m.count("sat on the") == 2 and m.count("on the") == 2
    assert m.count(["<s>", "the"]) == 3 and m.count("zebra") == 0
    assert m.counts_of_counts(1)[0] == sum(1 for w in set(TRAIN.split())
                                           if TRAIN.split().count(w) == 1)
    with pytest.raises(ConfigError):
        m.count("a b c d")


@pytest.mark.parametrize("kwargs", [{"order": 0}, {"order": 21}, {"order": 2.5},
                                    {"estimator": "magic"}, {"mode": "chunks"},
                                    {"tokenizer": "nope"}, {"estimator": "lidstone", "k": 0},
                                    {"estimator": "absolute", "discount": 1.5},
                                    {"estimator": "stupid_backoff", "alpha": 0}])
def test_bad_settings_raise_config_error(kwargs: dict) -> None:
    with pytest.raises(ConfigError):
        NgramLM(**kwargs)


def test_order_beyond_memory_is_refused_before_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    import seqlm.ngram.model as model_mod

    monkeypatch.setattr(model_mod, "available_bytes", lambda: 10_000)
    with pytest.raises(ConfigError, match="GB to count"):
        NgramLM(20).fit(TRAIN * 10)


def test_bad_data_raises_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError):
        NgramLM(2).fit("")
    with pytest.raises(DataError):
        NgramLM(2).fit("   \n \n")
    with pytest.raises(ConfigError, match="not fitted"):
        NgramLM(2).perplexity("a b")
    m = NgramLM(2).fit(TRAIN)
    with pytest.raises(DataError):
        m.perplexity("")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9\n".encode("latin-1"))
    with pytest.raises(SeqlmError):
        read_text(bad)
