"""The hashed n-gram bag: every n-gram of the boundary-marked text once, padding ignored, the
mean of the n-grams' class weights (checked against a plain Python enumeration)."""

from __future__ import annotations

import pytest
import torch

from seqlm.apps.classify.model import ClassifierConfig, SequenceClassifier
from seqlm.apps.classify.ngram_bag import MULTIPLIER, NgramBag, ngram_hashes
from seqlm.errors import ConfigError

BOUNDARY, BUCKETS = 9, 101


def brute_force(row: list[int], order: int) -> list[int]:
    """The buckets of every 1..order-gram of <b> row <b>, hashed as the module documents."""
    ext = [BOUNDARY, *row, BOUNDARY]
    out = []
    for n in range(1, order + 1):
        for t in range(len(ext) - n + 1):
            h = n
            for token in ext[t:t + n]:
                h = (h * MULTIPLIER + token) % BUCKETS
            out.append(h)
    return out


def test_hashes_enumerate_every_ngram_of_each_row_once() -> None:
    rows = [[1, 2, 3, 4], [5, 6], [7]]
    ids = torch.tensor([r + [0] * (4 - len(r)) for r in rows])  # padded with 0
    lengths = torch.tensor([len(r) for r in rows])
    hashes, valid = ngram_hashes(ids, lengths, 3, BUCKETS, BOUNDARY)
    for b, row in enumerate(rows):
        assert sorted(hashes[b][valid[b]].tolist()) == sorted(brute_force(row, 3))


def test_bag_is_the_mean_weight_and_ignores_padding() -> None:
    torch.manual_seed(0)
    bag = NgramBag(2, BUCKETS, 4, BOUNDARY)
    torch.nn.init.normal_(bag.W.weight)
    row = [3, 1, 4]
    want = bag.W.weight[brute_force(row, 2)].mean(0)
    short = bag(torch.tensor([row]), torch.tensor([3]))
    padded = bag(torch.tensor([[*row, 8, 8]]), torch.tensor([3]))
    torch.testing.assert_close(short[0], want)
    torch.testing.assert_close(padded[0], want)


def test_classifier_adds_the_bag_and_starts_as_the_rnn_alone() -> None:
    torch.manual_seed(0)
    cfg = ClassifierConfig(vocab_size=8, num_classes=3, num_hiddens=4, embed_size=3, ngrams=3,
                           ngram_buckets=BUCKETS)
    model = SequenceClassifier(cfg).eval()
    ids, lengths = torch.tensor([[1, 2, 3], [4, 5, 0]]), torch.tensor([3, 2])
    assert model.bag is not None
    rnn_only = model.head(model.encoder(ids, lengths)[1])
    torch.testing.assert_close(model(ids, lengths), rnn_only)  # W starts at zero
    model(ids, lengths).sum().backward()
    assert model.bag.W.weight.grad is not None and model.bag.W.weight.grad.abs().sum() > 0
    with pytest.raises(ConfigError, match="ngrams"):
        ClassifierConfig(vocab_size=8, num_classes=3, ngrams=9)
