"""Metrics against a hand computation and against scikit-learn; label maps round-trip."""

from __future__ import annotations

import json

import numpy as np
import pytest

from seqlm.apps.common import LabelMap, classification_report, confusion_matrix, plot_confusion
from seqlm.errors import DataError

# 3 classes; true/pred chosen so every ratio is easy by hand
TRUE = [0, 0, 0, 0, 1, 1, 2, 2]
PRED = [0, 0, 1, 2, 1, 0, 2, 2]


def test_hand_example() -> None:
    r = classification_report(TRUE, PRED, ["a", "b", "c"])
    assert r.matrix.tolist() == [[2, 1, 1], [1, 1, 0], [0, 0, 2]]
    assert r.accuracy == 5 / 8
    # a: P = 2/3, R = 2/4 -> F1 = 2*(2/3)(1/2)/(2/3+1/2) = 4/7
    # b: P = 1/2, R = 1/2 -> 1/2;  c: P = 2/3, R = 1 -> 4/5
    np.testing.assert_allclose(r.precision, [2 / 3, 1 / 2, 2 / 3])
    np.testing.assert_allclose(r.recall, [1 / 2, 1 / 2, 1])
    np.testing.assert_allclose(r.f1, [4 / 7, 1 / 2, 4 / 5])
    assert r.macro_f1 == pytest.approx((4 / 7 + 1 / 2 + 4 / 5) / 3)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["per_class"]["c"] == {"precision": 2 / 3, "recall": 1.0, "f1": 0.8, "support": 2}
    assert "macro-F1 0.6238" in r.table()


def test_zero_division_and_absent_classes() -> None:
    r = classification_report([0, 0, 1], [0, 0, 0], ["x", "y", "z"])
    assert r.precision[1] == 0 and r.f1[1] == 0  # never predicted: 0, as sklearn
    assert r.macro_f1 == pytest.approx((0.8 + 0.0) / 2)  # "z" occurs nowhere: not averaged


def test_against_scikit_learn() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(0)
    t = rng.integers(0, 6, 500)
    p = np.where(rng.random(500) < 0.6, t, rng.integers(0, 6, 500))
    p[p == 5] = 4  # class 5 never predicted
    r = classification_report(t, p, list("abcdef"))
    assert np.array_equal(r.matrix, metrics.confusion_matrix(t, p, labels=range(6)))
    assert r.accuracy == pytest.approx(metrics.accuracy_score(t, p))
    prf = metrics.precision_recall_fscore_support(t, p, labels=range(6), zero_division=0)
    for ours, theirs in zip((r.precision, r.recall, r.f1), prf[:3], strict=True):
        np.testing.assert_allclose(ours, theirs)
    assert r.macro_f1 == pytest.approx(metrics.f1_score(t, p, average="macro", zero_division=0))


def test_confusion_checks_and_plot(tmp_path) -> None:
    with pytest.raises(DataError, match="outside"):
        confusion_matrix([0, 3], [0, 1], 3)
    with pytest.raises(DataError, match="shape"):
        confusion_matrix([0, 1], [0], 3)
    out = plot_confusion(classification_report(TRUE, PRED, ["a", "b", "c"]), tmp_path / "c.png")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_label_map_round_trip_and_unknown(tmp_path) -> None:
    m = LabelMap(["Russian", "Arabic", "Russian", "English"])
    assert m.labels == ["Arabic", "English", "Russian"]
    assert m.encode(["Russian", "Arabic"]).tolist() == [2, 0]
    assert m.decode([1]) == ["English"]
    m.save(tmp_path / "labels.json")
    assert LabelMap.load(tmp_path / "labels.json") == m
    with pytest.raises(DataError, match=r"unknown label 'Klingon' in test\.tsv"):
        m.encode(["Klingon"], where="test.tsv")
    (tmp_path / "bad.json").write_text('{"format": "seqlm.labels/1", "labels": "abc"}')
    with pytest.raises(DataError, match="list"):
        LabelMap.load(tmp_path / "bad.json")
