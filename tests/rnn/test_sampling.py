"""Temperature, top-k and top-p against distributions worked out by hand."""

from __future__ import annotations

import math

import pytest
import torch

from seqlm.errors import ConfigError
from seqlm.rnn.sampling import check_sampling, choose, next_token_probs

P = [0.1, 0.4, 0.2, 0.3]
LOGITS = torch.log(torch.tensor(P, dtype=torch.float64))


def close(a: torch.Tensor, b: list[float]) -> None:
    torch.testing.assert_close(a, torch.tensor(b, dtype=torch.float64), rtol=1e-12, atol=1e-12)


def test_plain_softmax() -> None:
    close(next_token_probs(LOGITS), P)


def test_temperature() -> None:
    # T = 0.5 squares the probabilities before renormalising
    sq = [p * p for p in P]
    close(next_token_probs(LOGITS, temperature=0.5), [s / sum(sq) for s in sq])


def test_top_k() -> None:
    close(next_token_probs(LOGITS, top_k=2), [0, 0.4 / 0.7, 0, 0.3 / 0.7])
    close(next_token_probs(LOGITS, top_k=10), P)


def test_top_p() -> None:
    # sorted: 0.4, 0.3, 0.2, 0.1; p=0.5 needs {0.4, 0.3}; p=0.75 needs {0.4, 0.3, 0.2}
    close(next_token_probs(LOGITS, top_p=0.5), [0, 0.4 / 0.7, 0, 0.3 / 0.7])
    close(next_token_probs(LOGITS, top_p=0.75), [0, 0.4 / 0.9, 0.2 / 0.9, 0.3 / 0.9])
    close(next_token_probs(LOGITS, top_p=0.2), [0, 1, 0, 0])  # the best always stays


def test_choose() -> None:
    assert choose(LOGITS) == 1
    assert choose(torch.tensor([1.0, 3.0, 3.0])) == 1  # ties: the first
    gen = torch.Generator().manual_seed(0)
    assert {choose(LOGITS, "sample", top_k=1, generator=gen) for _ in range(20)} == {1}
    draws = [choose(LOGITS, "sample", generator=gen) for _ in range(4000)]
    freq = [draws.count(i) / len(draws) for i in range(4)]
    # binomial standard error is at most 0.008 here: 4 sigma
    assert all(math.isclose(f, p, abs_tol=0.032) for f, p in zip(freq, P, strict=True))


@pytest.mark.parametrize(
    "args",
    [("top", 1.0, None, None), ("sample", -1.0, None, None), ("sample", True, None, None),
     ("sample", 1.0, 0, None), ("sample", 1.0, 2.0, None), ("sample", 1.0, None, 0.0),
     ("sample", 1.0, None, 1.01), ("sample", float("inf"), None, None)],
)
def test_bad_settings(args) -> None:
    with pytest.raises(ConfigError):
        check_sampling(*args)
