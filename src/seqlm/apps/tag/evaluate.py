"""Tagging metrics: token accuracy, accuracy on words unseen in training, per-tag P/R/F1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass
class TagScores:
    """What ``seqlm tag eval`` prints (``to_dict`` is its ``--json``)."""

    tokens: int
    accuracy: float
    unseen_tokens: int
    unseen_accuracy: float
    per_tag: dict[str, dict[str, float]] = field(default_factory=dict)

    @property
    def macro_f1(self) -> float:
        f1 = [v["f1"] for v in self.per_tag.values()]
        return sum(f1) / len(f1) if f1 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"tokens": self.tokens, "accuracy": self.accuracy,
                "unseen_tokens": self.unseen_tokens, "unseen_accuracy": self.unseen_accuracy,
                "macro_f1": self.macro_f1, "per_tag": self.per_tag}


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": float(n_gold)}


def score_tags(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]],
               words: Sequence[Sequence[str]], seen: set[str] | frozenset[str]) -> TagScores:
    """Compare predicted with gold tags, sentence by sentence; ``seen`` = training word forms.

    Per-tag F1 over every tag that occurs in gold or prediction.
    """
    tokens = correct = unseen = unseen_ok = 0
    tp: dict[str, int] = {}
    n_pred: dict[str, int] = {}
    n_gold: dict[str, int] = {}
    for g_sent, p_sent, w_sent in zip(gold, pred, words, strict=True):
        for g, p, w in zip(g_sent, p_sent, w_sent, strict=True):
            tokens += 1
            ok = g == p
            correct += ok
            n_gold[g] = n_gold.get(g, 0) + 1
            n_pred[p] = n_pred.get(p, 0) + 1
            tp[g] = tp.get(g, 0) + ok
            if w not in seen:
                unseen += 1
                unseen_ok += ok
    per_tag = {t: _prf(tp.get(t, 0), n_pred.get(t, 0), n_gold.get(t, 0))
               for t in sorted(set(n_gold) | set(n_pred))}
    return TagScores(tokens, correct / tokens if tokens else 0.0, unseen,
                     unseen_ok / unseen if unseen else 0.0, per_tag)
