"""A stratified, seeded train / valid / test split (what scikit-learn's ``train_test_split``
with ``stratify`` does, in one pass): the test part holds ceil(test_frac * n) examples, the
validation part ceil(valid_frac * n), each class shared out in proportion to its size (largest
remainders), the examples of a class drawn by a generator seeded with ``seed``.

``groups`` (e.g. the text itself) keeps every copy of a group on one side: the names data
holds many repeated (name, language) lines (Arabic: 2,000 lines, 108 distinct names), and a
split by lines puts copies of most test names in the training part too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from seqlm.errors import ConfigError, DataError, require_fraction


def _shares(counts: np.ndarray, total: int) -> np.ndarray:
    """Integer shares of ``total`` proportional to ``counts`` (largest remainders, then the
    larger class), never more than a class holds."""
    exact = counts * total / max(counts.sum(), 1)
    share = np.floor(exact).astype(np.int64)
    order = sorted(range(len(counts)), key=lambda c: (-(exact[c] - share[c]), -counts[c], c))
    for c in order[: total - int(share.sum())]:
        share[c] += 1
    return np.minimum(share, counts)


def stratified_split(labels: Sequence[int] | np.ndarray, valid_frac: float, test_frac: float,
                     seed: int = 0, groups: Sequence[object] | None = None
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index arrays (train, valid, test), each sorted; classes keep their proportions."""
    y = np.asarray(labels, dtype=np.int64)
    for name, f in (("valid fraction", valid_frac), ("test fraction", test_frac)):
        require_fraction(name, f)
    if valid_frac + test_frac >= 1.0:
        raise ConfigError(f"valid + test fractions must leave training data, got "
                          f"{valid_frac} + {test_frac}")
    if not len(y):
        raise DataError("no examples to split")
    # units: single examples, or groups of examples with the same key and label
    keys = list(range(len(y))) if groups is None else list(zip(groups, y.tolist(), strict=True))
    unit_of: dict[object, int] = {}
    members: list[list[int]] = []
    for i, key in enumerate(keys):
        u = unit_of.setdefault(key, len(members))
        if u == len(members):
            members.append([])
        members[u].append(i)
    unit_label = np.array([y[m[0]] for m in members], dtype=np.int64)
    n = len(members)
    n_classes = int(y.max()) + 1
    counts = np.bincount(unit_label, minlength=n_classes)
    test = _shares(counts, math.ceil(test_frac * n))
    valid = _shares(counts - test, math.ceil(valid_frac * n))
    rng = np.random.default_rng(seed)
    parts: list[list[int]] = [[], [], []]
    for c in range(n_classes):
        units = rng.permutation(np.flatnonzero(unit_label == c))
        cuts = (units[: test[c]], units[test[c] : test[c] + valid[c]], units[test[c] + valid[c]:])
        for part, chosen in zip((2, 1, 0), cuts, strict=True):
            parts[part].extend(i for u in chosen for i in members[u])
    return tuple(np.array(sorted(p), dtype=np.int64) for p in parts)  # type: ignore[return-value]
