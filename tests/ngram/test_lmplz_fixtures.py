"""seqlm reads ARPA files written by KenLM's lmplz and its own estimator reproduces them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from seqlm.data import read_text
from seqlm.ngram import NgramLM
from seqlm.ngram.arpa import read_arpa

FIX = Path(__file__).parent / "fixtures"
LN10 = np.log(10.0)
UNSEEN = "w1 w5 zz w3\nw399 w2 w1 w1 w1\nqq\nw7 w52 w3 w3 w9 w1"

pytestmark = pytest.mark.usefixtures("both_paths")  # compiled and numpy


def test_small_lmplz_arpa_loads_and_matches_our_estimate() -> None:
    kenlm_model = read_arpa(FIX / "small.o3.arpa")
    ours = NgramLM(3).fit(read_text(FIX / "small.train.txt"))
    assert kenlm_model.num_ngrams == ours.num_ngrams == [393, 2491, 3685]
    expected = [(0.205479, 1.4119, 2.49497), (0.766223, 1.0409, 1.30291),
                (0.866595, 1.02508, 1.32272)]  # printed by lmplz (see fixtures/README.md)
    np.testing.assert_allclose(ours.discounts, expected, atol=5e-5)
    for text in (read_text(FIX / "small.train.txt"), UNSEEN):
        a = kenlm_model.token_logprobs(text) / LN10
        b = ours.token_logprobs(text) / LN10
        np.testing.assert_allclose(a, b, atol=2e-6)  # lmplz computes in float32


def test_orders_longer_than_every_sentence_are_empty_as_in_lmplz(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Order 6 on sentences of at most two words: orders 5 and 6 have no n-grams; the fit
    does not fail (it did: the discount statistics took the maximum of nothing) and scores
    as lmplz's model, in memory and out of core."""
    from seqlm.ngram import streaming

    kenlm_model = read_arpa(FIX / "short.o6.fallback.arpa")
    text = read_text(FIX / "short.train.txt")
    ours = NgramLM(6).fit(text)
    assert kenlm_model.num_ngrams == ours.num_ngrams == [5, 5, 4, 1, 0, 0]
    (tmp_path / "c.txt").write_text(text * 50, encoding="utf-8")
    monkeypatch.setattr(streaming, "IN_MEMORY_TOKENS", 10)  # blocks spilled and merged
    monkeypatch.setattr(streaming, "MIN_BLOCK", 100)
    out_of_core = streaming.fit_file(NgramLM(6), tmp_path / "c.txt", 1 << 30)
    assert out_of_core.num_ngrams == [5, 5, 4, 1, 0, 0]
    assert isinstance(out_of_core.keys[3], np.memmap)  # really out of core
    for text in ("a\nb a\nb", "a a b\nc b a b"):
        np.testing.assert_allclose(ours.token_logprobs(text) / LN10,
                                   kenlm_model.token_logprobs(text) / LN10, atol=2e-6)


def test_lmplz_discount_fallback_is_reproduced() -> None:
    kenlm_model = read_arpa(FIX / "tiny.o3.fallback.arpa")
    ours = NgramLM(3).fit(read_text(FIX / "tiny.train.txt"))
    assert ours.discounts == [(0.5, 1.0, 1.5)] * 3
    assert ours.tables is not None and ours.tables.fallback == [True, True, True]
    for text in ("a b a c\nb a b\nc a b a a", "a c c b\nzz a\nc c c"):
        np.testing.assert_allclose(kenlm_model.token_logprobs(text) / LN10,
                                   ours.token_logprobs(text) / LN10, atol=2e-6)


def test_kenlm_scores_a_seqlm_arpa_identically(tmp_path: Path) -> None:
    kenlm = pytest.importorskip("kenlm", reason="KenLM's Python module (pip install kenlm) "
                                "is not installed")
    from seqlm.ngram.arpa import write_arpa

    ours = NgramLM(3).fit(read_text(FIX / "small.train.txt"))
    write_arpa(ours, tmp_path / "m.arpa")
    k = kenlm.Model(str(tmp_path / "m.arpa"))
    for sent in (read_text(FIX / "small.train.txt").splitlines()[:200] + UNSEEN.splitlines()):
        assert abs(k.score(sent) - ours.score(sent)) < 1e-4
        ks = [(p, n, o) for p, n, o in k.full_scores(sent)]
        os_ = ours.full_scores(sent)
        assert [n for _, n, _ in ks] == [n for _, n, _ in os_]
        assert [o for _, _, o in ks] == [o for _, _, o in os_]
        np.testing.assert_allclose([p for p, _, _ in ks], [p for p, _, _ in os_], atol=1e-5)
