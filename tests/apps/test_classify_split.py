"""The stratified split: sizes as scikit-learn's, class proportions kept, seeded, and with
``groups`` no (text, label) pair on two sides."""

from __future__ import annotations

import math

import numpy as np
import pytest

from seqlm.apps.classify.split import stratified_split
from seqlm.errors import ConfigError

# class sizes shaped like the names data (one big class, several tiny ones)
SIZES = [938, 366, 200, 99, 72, 52, 30, 9, 7, 3]
Y = np.repeat(np.arange(len(SIZES)), SIZES)


def test_sizes_proportions_and_disjoint_parts() -> None:
    tr, va, te = stratified_split(Y, 0.1, 0.1, seed=0)
    n = len(Y)
    assert len(te) == math.ceil(0.1 * n) and len(va) == math.ceil(0.1 * n)
    assert sorted(np.concatenate([tr, va, te]).tolist()) == list(range(n))
    for part in (va, te):
        counts = np.bincount(Y[part], minlength=len(SIZES))
        assert np.all(np.abs(counts - np.array(SIZES) * 0.1) <= 1)


def test_test_sizes_match_scikit_learn() -> None:
    model_selection = pytest.importorskip("sklearn.model_selection")
    _, te = model_selection.train_test_split(np.arange(len(Y)), test_size=0.1, stratify=Y,
                                             random_state=0)
    ours = stratified_split(Y, 0.1, 0.1, seed=0)[2]
    assert len(ours) == len(te)
    theirs = np.bincount(Y[te], minlength=len(SIZES))
    assert np.all(np.abs(np.bincount(Y[ours], minlength=len(SIZES)) - theirs) <= 1)


def test_seeded() -> None:
    a = stratified_split(Y, 0.1, 0.2, seed=1)
    b = stratified_split(Y, 0.1, 0.2, seed=1)
    c = stratified_split(Y, 0.1, 0.2, seed=2)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[2], c[2])


def test_groups_keep_copies_together() -> None:
    rng = np.random.default_rng(0)
    texts = [f"name{int(k)}" for k in rng.integers(0, 300, len(Y))]
    parts = stratified_split(Y, 0.1, 0.1, seed=0, groups=texts)
    keys = [{(texts[i], int(Y[i])) for i in p} for p in parts]
    assert not keys[0] & keys[1] and not keys[0] & keys[2] and not keys[1] & keys[2]
    assert sum(len(p) for p in parts) == len(Y)


def test_bad_fractions() -> None:
    with pytest.raises(ConfigError, match="leave training data"):
        stratified_split(Y, 0.5, 0.5)
    with pytest.raises(ConfigError, match="test fraction"):
        stratified_split(Y, 0.1, -0.1)
