"""A linear model on a bag of hashed token n-grams, added to the RNN's logits (fastText's
classifier, Joulin et al. 2017; the "wide" part of wide-and-deep): for a text x of length L,

    s(x) = 1/|G(x)| * sum_{g in G(x)} W[hash(g)]        (W: buckets x classes, starts at 0)

where G(x) holds every n-gram, n = 1..N, of  <b> x_1 ... x_L <b>  (a boundary id on both ends,
so prefixes and suffixes are their own features). Spelling rules ("-ov", "Mc-") are what such a
model learns in one epoch; the RNN then only has to learn what they miss.
"""

from __future__ import annotations

import torch
from torch import nn

MULTIPLIER = 1_000_003  # a prime; h <- (h * M + id) mod buckets mixes the ids of one n-gram


def ngram_hashes(ids: torch.Tensor, lengths: torch.Tensor, order: int, buckets: int,
                 boundary: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(hashes, valid)``, both (batch, n-grams): the bucket of every n-gram, n = 1..order,
    of each boundary-marked row, and whether it lies inside the row (padding excluded)."""
    batch, width = ids.shape
    ext = torch.full((batch, width + 2), boundary, dtype=torch.long, device=ids.device)
    ext[:, 1:width + 1] = ids
    pos = torch.arange(width + 2, device=ids.device)
    ext[pos.unsqueeze(0) == (lengths.unsqueeze(1) + 1)] = boundary  # the end mark
    hashes, valid = [], []
    for n in range(1, order + 1):
        starts = width + 3 - n  # windows of length n in the extended rows
        h = torch.full((batch, starts), n, dtype=torch.long, device=ids.device)
        for k in range(n):
            h = (h * MULTIPLIER + ext[:, k:k + starts]) % buckets
        hashes.append(h)
        valid.append(pos[:starts].unsqueeze(0) + n <= lengths.unsqueeze(1) + 2)
    return torch.cat(hashes, 1), torch.cat(valid, 1)


class NgramBag(nn.Module):
    """``bag(ids, lengths) -> (batch, classes)``: the mean of the n-grams' class weights."""

    def __init__(self, order: int, buckets: int, num_classes: int, boundary: int) -> None:
        super().__init__()
        self.order, self.buckets, self.boundary = order, buckets, boundary
        self.W = nn.Embedding(buckets, num_classes)
        nn.init.zeros_(self.W.weight)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        hashes, valid = ngram_hashes(ids, lengths.to(ids.device), self.order, self.buckets,
                                     self.boundary)
        weights = valid.to(self.W.weight.dtype)
        total = (self.W(hashes) * weights.unsqueeze(-1)).sum(1)
        return total / weights.sum(1, keepdim=True).clamp(min=1.0)
