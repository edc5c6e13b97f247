"""Tagging metrics against a hand count."""

from __future__ import annotations

import pytest

from seqlm.apps.tag import score_tags


def test_accuracy_unseen_and_per_tag_f1_by_hand() -> None:
    gold = [["DET", "NOUN", "VERB"], ["NOUN", "VERB"]]
    pred = [["DET", "VERB", "VERB"], ["NOUN", "NOUN"]]
    words = [["the", "cat", "sat"], ["dogs", "run"]]
    s = score_tags(gold, pred, words, seen={"the", "cat", "run"})
    assert s.tokens == 5 and s.accuracy == pytest.approx(3 / 5)
    assert s.unseen_tokens == 2 and s.unseen_accuracy == pytest.approx(2 / 2)  # sat, dogs
    # NOUN: gold 2 (cat, dogs), predicted 2 (dogs, run), 1 right -> P = R = F1 = 1/2
    assert s.per_tag["NOUN"] == pytest.approx(
        {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2.0})
    # VERB: gold 2, predicted 2 (cat, sat), right 1 (sat)
    assert s.per_tag["VERB"]["f1"] == pytest.approx(0.5)
    assert s.per_tag["DET"]["f1"] == pytest.approx(1.0)
    assert s.macro_f1 == pytest.approx((1.0 + 0.5 + 0.5) / 3)
