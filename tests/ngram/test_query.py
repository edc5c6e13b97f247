"""Single queries: score / full_scores / the state API, compiled against numpy and KenLM."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlm.data import read_text
from seqlm.errors import ConfigError
from seqlm.ngram import NgramLM
from seqlm.ngram.arpa import parse_arpa, write_arpa
from seqlm.ngram.cext import built

FIX = Path(__file__).parent / "fixtures"
TEXTS = ["w1 w5 zz w3", "w399 w2 w1 w1 w1\nqq\n\n  w7 w52\tw3 w3 w9 w1 ", "<unk> w1 </s> w2"]


def on_numpy(fn, *args):  # type: ignore[no-untyped-def]
    """fn(*args) with the compiled paths disabled."""
    saved = os.environ.get("SEQLM_NO_CEXT")
    os.environ["SEQLM_NO_CEXT"] = "1"
    try:
        return fn(*args)
    finally:
        if saved is None:
            del os.environ["SEQLM_NO_CEXT"]
        else:
            os.environ["SEQLM_NO_CEXT"] = saved


def same_full_scores(a: list, b: list) -> bool:
    """full_scores lists equal: log-probabilities to 1e-12, n-gram lengths and OOV flags exactly
    (pytest.approx refuses nested tuples from pytest 9.2 on)."""
    return len(a) == len(b) and all(
        p == pytest.approx(q, abs=1e-12) and rest == other
        for (p, *rest), (q, *other) in zip(a, b, strict=True))


def walk(model: NgramLM, sentence: str) -> tuple[float, list[bytes]]:
    """Score a sentence word by word through the state API (</s> last)."""
    state, total, states = model.begin_state(), 0.0, []
    for w in [*sentence.split(), "</s>"]:
        p, state = model.score_word(state, w)
        total += p
        states.append(state)
    return total, states


@pytest.fixture(scope="module")
def small() -> NgramLM:
    return NgramLM(4).fit(read_text(FIX / "small.train.txt"))


@pytest.mark.skipif(not built(), reason="the C extensions are not built")
@pytest.mark.parametrize("text", TEXTS)
def test_compiled_scores_equal_numpy_scores(small: NgramLM, text: str) -> None:
    assert small.score(text) == pytest.approx(on_numpy(small.score, text), abs=1e-12)
    assert same_full_scores(small.full_scores(text), on_numpy(small.full_scores, text))
    np.testing.assert_array_equal(small.token_logprobs(text),
                                  on_numpy(small.token_logprobs, text))
    for line in text.splitlines():
        if line.split():
            a, sa = walk(small, line)
            b, sb = on_numpy(walk, small, line)
            assert a == pytest.approx(b, abs=1e-12) and sa == sb


@pytest.mark.usefixtures("both_paths")
def test_state_walk_equals_score_and_equal_contexts_give_equal_states(small: NgramLM) -> None:
    for line in read_text(FIX / "small.train.txt").splitlines()[:50] + TEXTS[:1]:
        total, _ = walk(small, line)
        assert total == pytest.approx(small.score(line), abs=1e-9)
    _, s1 = walk(small, "w1 w2 w3 w4")
    _, s2 = walk(small, "w9 w2 w3 w4")
    assert s1[3] == s2[3]  # the same last three words: one state (a decoder merges them)
    assert hash(s1[3]) == hash(s2[3]) and s1[0] != s2[0]
    p, _ = small.score_word(small.null_context_state(), "w1")
    assert p == pytest.approx(small.logprob("w1") / np.log(10.0))


@pytest.mark.usefixtures("both_paths")
def test_state_api_refuses_foreign_states_and_count_models(small: NgramLM) -> None:
    for bad in (b"xyz", b"\xff\xff\xff\x7f", "w1", np.zeros(20, np.int32).tobytes()):
        with pytest.raises(ConfigError):
            small.score_word(bad, "w1")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="backoff"):
        NgramLM(2, "mle").fit("a b\nb a").begin_state()


@pytest.mark.usefixtures("both_paths")
def test_stream_mode_and_gapped_arpa_score_like_the_batch_path() -> None:
    m = NgramLM(3, mode="stream").fit("a b c a b d a b c c a")
    for text in ("a b c a", "d d a b c", "z a b"):
        assert m.score(text) == pytest.approx(m.token_logprobs(text).sum() / np.log(10.0))
    # a hand-written ARPA whose trigram "a b c" has no bigram "b c": only the prefix chain counts
    arpa = ("\\data\\\nngram 1=5\nngram 2=2\nngram 3=1\n\n\\1-grams:\n-1\t<s>\t-0.2\n"
            "-0.5\ta\t-0.3\n-0.6\tb\t-0.4\n-0.7\tc\n-0.9\t</s>\n\n\\2-grams:\n"
            "-0.2\t<s> a\t-0.1\n-0.3\ta b\t-0.05\n\n\\3-grams:\n-0.01\ta b c\n\n\\end\\\n")
    g = parse_arpa(arpa)
    lp = g.token_logprobs("a b c") / np.log(10.0)
    # b: bigram a b plus the backoff of <s> a; </s>: unigram (c has no backoff, b c is absent)
    np.testing.assert_allclose(lp, [-0.2, -0.3 - 0.1, -0.01, -0.9])
    assert [n for _, n, _ in g.full_scores("a b c")] == [2, 2, 3, 1]
    assert walk(g, "a b c")[0] == pytest.approx(g.score("a b c"))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "d", "zz"]), min_size=1, max_size=8),
                min_size=1, max_size=6), st.integers(1, 4))
def test_compiled_and_numpy_agree_on_random_sentences(sents: list[list[str]], order: int) -> None:
    if not built():
        pytest.skip("the C extensions are not built")
    m = NgramLM(order).fit("a b c d\nb c a\nd d a b c\nc a")
    text = "\n".join(" ".join(s) for s in sents)
    assert m.score(text) == pytest.approx(on_numpy(m.score, text), abs=1e-12)
    assert same_full_scores(m.full_scores(text), on_numpy(m.full_scores, text))
    for s in sents:
        line = " ".join(s)
        assert walk(m, line)[1] == on_numpy(walk, m, line)[1]


def test_kenlm_state_api_agrees(small: NgramLM, tmp_path: Path) -> None:
    kenlm = pytest.importorskip("kenlm", reason="KenLM's Python module is not installed")
    write_arpa(small, tmp_path / "m.arpa")
    k = kenlm.Model(str(tmp_path / "m.arpa"))
    for line in [*read_text(FIX / "small.train.txt").splitlines()[:100], "w1 qq w3 w3"]:
        ks, out = kenlm.State(), kenlm.State()
        k.BeginSentenceWrite(ks)
        state = small.begin_state()
        for w in [*line.split(), "</s>"]:
            expected = k.BaseScore(ks, w, out)
            ks, out = out, ks
            p, state = small.score_word(state, w)
            assert abs(p - expected) < 1e-5
