"""Classification metrics from the confusion matrix: accuracy, per-class precision / recall /
F1, macro-F1 (the unweighted mean over classes, which a majority class cannot hide behind).

Conventions as scikit-learn's defaults: a ratio with a zero denominator is 0; macro averages
run over the classes that occur in the true or the predicted labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from seqlm.errors import DataError


def confusion_matrix(y_true: Sequence[int] | np.ndarray, y_pred: Sequence[int] | np.ndarray,
                     n_classes: int) -> np.ndarray:
    """C[i, j] = how many examples of true class i were predicted as class j (int64)."""
    t = np.asarray(y_true, dtype=np.int64)
    p = np.asarray(y_pred, dtype=np.int64)
    if t.shape != p.shape or t.ndim != 1:
        raise DataError(f"true and predicted labels differ in shape: {t.shape} vs {p.shape}")
    if t.size and (min(t.min(), p.min()) < 0 or max(t.max(), p.max()) >= n_classes):
        raise DataError(f"a label index is outside 0..{n_classes - 1}")
    return np.bincount(t * n_classes + p, minlength=n_classes * n_classes).reshape(
        n_classes, n_classes)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.zeros(num.shape, dtype=np.float64)
    np.divide(num, den, out=out, where=den > 0)
    return out


@dataclass
class ClassificationReport:
    """Metrics of one evaluation; ``to_dict`` is the ``--json`` object."""

    labels: list[str]
    matrix: np.ndarray

    @property
    def support(self) -> np.ndarray:
        return self.matrix.sum(axis=1)

    @property
    def predicted(self) -> np.ndarray:
        return self.matrix.sum(axis=0)

    @property
    def accuracy(self) -> float:
        total = self.matrix.sum()
        return float(np.trace(self.matrix) / total) if total else 0.0

    @property
    def precision(self) -> np.ndarray:
        return _ratio(np.diag(self.matrix).astype(np.float64), self.predicted)

    @property
    def recall(self) -> np.ndarray:
        return _ratio(np.diag(self.matrix).astype(np.float64), self.support)

    @property
    def f1(self) -> np.ndarray:
        p, r = self.precision, self.recall
        return _ratio(2 * p * r, p + r)

    @property
    def present(self) -> np.ndarray:
        """Classes that occur among the true or the predicted labels (macro averages' set)."""
        return (self.support + self.predicted) > 0

    @property
    def macro_f1(self) -> float:
        keep = self.present
        return float(self.f1[keep].mean()) if keep.any() else 0.0

    def to_dict(self) -> dict[str, Any]:
        per_class = {
            name: {"precision": float(self.precision[i]), "recall": float(self.recall[i]),
                   "f1": float(self.f1[i]), "support": int(self.support[i])}
            for i, name in enumerate(self.labels)
        }
        return {"accuracy": self.accuracy, "macro_f1": self.macro_f1,
                "examples": int(self.matrix.sum()), "per_class": per_class,
                "labels": list(self.labels), "confusion": self.matrix.tolist()}

    def table(self) -> str:
        """Per-class precision / recall / F1 / support as aligned text, then the two means."""
        width = max(8, *(len(n) for n in self.labels))
        lines = [f"{'class':<{width}}  precision  recall      f1  support"]
        for i, name in enumerate(self.labels):
            lines.append(f"{name:<{width}}  {self.precision[i]:9.3f}  {self.recall[i]:6.3f}  "
                         f"{self.f1[i]:6.3f}  {int(self.support[i]):7d}")
        lines.append(f"accuracy {self.accuracy:.4f}  macro-F1 {self.macro_f1:.4f}  "
                     f"({int(self.matrix.sum())} examples)")
        return "\n".join(lines)


def classification_report(y_true: Sequence[int] | np.ndarray, y_pred: Sequence[int] | np.ndarray,
                          labels: Sequence[str]) -> ClassificationReport:
    """The report for index labels ``y_true``/``y_pred`` over the classes ``labels``."""
    return ClassificationReport(list(labels), confusion_matrix(y_true, y_pred, len(labels)))


def plot_confusion(report: ClassificationReport, path: str | Path, title: str = "") -> Path:
    """Row-normalised confusion matrix (recall on the diagonal) with counts, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from seqlm.io import atomic_path

    m = report.matrix
    norm = m / np.maximum(m.sum(axis=1, keepdims=True), 1)
    n = len(report.labels)
    size = max(4.0, 0.45 * n + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(n), report.labels, rotation=90)
    ax.set_yticks(range(n), report.labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for i in range(n):
        for j in range(n):
            if m[i, j]:
                ax.text(j, i, str(m[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if norm[i, j] > 0.5 else "black")
    ax.set_title(title or f"accuracy {report.accuracy:.3f}, macro-F1 {report.macro_f1:.3f}")
    fig.tight_layout()
    target = Path(path)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format="png", dpi=100)
    plt.close(fig)
    return target
