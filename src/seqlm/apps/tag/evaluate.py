"""Tagging metrics: token accuracy, accuracy on words unseen in training, per-tag P/R/F1."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from seqlm.apps.common.metrics import classification_report


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


def score_tags(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]],
               words: Sequence[Sequence[str]], seen: set[str] | frozenset[str]) -> TagScores:
    """Compare predicted with gold tags, sentence by sentence; ``seen`` = training word forms.

    Accuracy and per-tag P/R/F1 are apps/common's classification report over the tokens (every
    tag that occurs in gold or prediction); unseen words are those not in ``seen``.
    """
    flat = [(g, p, w) for gs, ps, ws in zip(gold, pred, words, strict=True)
            for g, p, w in zip(gs, ps, ws, strict=True)]
    tags = sorted({g for g, _, _ in flat} | {p for _, p, _ in flat})
    index = {t: i for i, t in enumerate(tags)}
    report = classification_report([index[g] for g, _, _ in flat],
                                   [index[p] for _, p, _ in flat], tags)
    per_class = report.to_dict()["per_class"]
    unseen = [g == p for g, p, w in flat if w not in seen]
    return TagScores(len(flat), report.accuracy, len(unseen),
                     sum(unseen) / len(unseen) if unseen else 0.0,
                     {t: {k: float(v) for k, v in m.items()} for t, m in per_class.items()})
