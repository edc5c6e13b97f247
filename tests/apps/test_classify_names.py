"""The names data through the registry: the issue's split (test 2,005 names, majority 46.8%)."""

from __future__ import annotations

import numpy as np
import pytest

from seqlm.apps.classify.train import ClassifySettings, prepare
from seqlm.apps.common import classification_report

pytestmark = pytest.mark.dataset("names")


def test_names_split_matches_the_issue() -> None:
    data = prepare(ClassifySettings(data="names"))
    sizes = {k: len(v) for k, v in data.parts.items()}
    assert sizes == {"train": 16040, "valid": 2005, "test": 2005}
    assert len(data.labels) == 18 and data.labels.labels[0] == "Arabic"
    y = data.labels.encode(data.parts["test"].labels)
    majority = np.full(len(y), data.labels.index_of["Russian"])
    report = classification_report(y, majority, data.labels.labels)
    assert round(report.accuracy, 3) == 0.468 and round(report.macro_f1, 3) == 0.035
    grouped = prepare(ClassifySettings(data="names", group_duplicates=True))
    train_pairs = set(zip(grouped.parts["train"].texts, grouped.parts["train"].labels,
                          strict=True))
    assert not train_pairs & set(zip(grouped.parts["test"].texts, grouped.parts["test"].labels,
                                     strict=True))
