"""Properties of both minibatch strategies over random lengths, batch sizes and step counts.

The corpus is ``arange(n)``, so a token's value is its position: shifts and continuity can be
read off the numbers directly.
"""

import itertools

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlm.data import SeqDataLoader
from seqlm.errors import ConfigError, DataError

shapes = st.tuples(st.integers(1, 8), st.integers(1, 12), st.integers(0, 200), st.integers(0, 99))


def _loader(b: int, s: int, extra: int, seed: int, strategy: str) -> SeqDataLoader:
    n = (b + 1) * s + 1 + extra
    return SeqDataLoader(np.arange(n), b, s, strategy=strategy, seed=seed)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(shapes, st.sampled_from(["random", "sequential"]))
def test_shift_shape_and_single_use(shape: tuple[int, int, int, int], strategy: str) -> None:
    b, s, extra, seed = shape
    loader = _loader(b, s, extra, seed, strategy)
    batches = list(loader)
    assert len(batches) >= len(loader) >= 1
    seen_x: list[int] = []
    for x, y in batches:
        assert x.shape == (b, s) == y.shape and x.dtype == torch.int64
        assert torch.equal(y, x + 1)  # Y is X shifted by one
        seen_x.extend(x.flatten().tolist())
    assert len(seen_x) == len(set(seen_x))  # every token used at most once per epoch as input
    assert max(seen_x) + 1 < len(loader.corpus)  # and every input has its label


@settings(max_examples=150, deadline=None)
@given(shapes)
def test_sequential_continuation(shape: tuple[int, int, int, int]) -> None:
    b, s, extra, seed = shape
    batches = list(_loader(b, s, extra, seed, "sequential"))
    for (x0, _), (x1, _) in itertools.pairwise(batches):
        # Row j of batch i+1 starts right where row j of batch i ended.
        assert torch.equal(x1[:, 0], x0[:, -1] + 1)
    for x, _ in batches:
        assert torch.all(x[:, 1:] == x[:, :-1] + 1)
    # Rows are consecutive blocks of the stream.
    first = batches[0][0][:, 0]
    assert torch.all(first[1:] > first[:-1])


@settings(max_examples=150, deadline=None)
@given(shapes)
def test_random_subsequences_do_not_overlap(shape: tuple[int, int, int, int]) -> None:
    b, s, extra, seed = shape
    loader = _loader(b, s, extra, seed, "random")
    starts = [int(v) for x, _ in loader for v in x[:, 0]]
    offsets = {v % s for v in starts}
    assert len(offsets) == 1  # one random offset per epoch, subsequences on its grid
    for x, _ in _loader(b, s, extra, seed, "random"):
        assert torch.all(x[:, 1:] == x[:, :-1] + 1)


def test_random_is_shuffled_and_reseeded_each_epoch() -> None:
    loader = SeqDataLoader(np.arange(10_000), 4, 5, strategy="random", seed=1)
    e1 = [x[:, 0].tolist() for x, _ in loader]
    e2 = [x[:, 0].tolist() for x, _ in loader]
    assert e1 != e2
    flat = [v for row in e1 for v in row]
    assert flat != sorted(flat)


def test_same_seed_same_batches_and_resume() -> None:
    a = SeqDataLoader(np.arange(500), 3, 7, strategy="random", seed=42)
    b = SeqDataLoader(np.arange(500), 3, 7, strategy="random", seed=42)
    list(a)
    state = a.state_dict()
    expected = [x.tolist() for x, _ in a]
    list(b)
    c = SeqDataLoader(np.arange(500), 3, 7, strategy="random", seed=0)
    c.load_state_dict(state)
    assert [x.tolist() for x, _ in c] == expected


def test_carries_state_flag() -> None:
    assert SeqDataLoader(np.arange(100), 2, 3, "sequential").carries_state
    assert not SeqDataLoader(np.arange(100), 2, 3, "random").carries_state


@pytest.mark.parametrize(("b", "s"), [(0, 5), (-1, 5), (2, 0), (2, -3), (1.5, 2), (True, 2)])
def test_bad_numbers(b: int, s: int) -> None:
    with pytest.raises(ConfigError):
        SeqDataLoader(np.arange(1000), b, s)


def test_corpus_shorter_than_one_batch() -> None:
    with pytest.raises(DataError, match="shorter than one batch"):
        SeqDataLoader(np.arange(20), 4, 5)


def test_bad_strategy() -> None:
    with pytest.raises(ConfigError, match="strategy"):
        SeqDataLoader(np.arange(100), 2, 3, strategy="shuffle")  # type: ignore[arg-type]
