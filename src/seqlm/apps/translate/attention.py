"""Additive (Bahdanau) attention with a padding mask.

For a query q (the decoder state s_{t-1}) and keys k_1..k_S (the encoder outputs):

    e_i = w_v^T tanh(q W_q + k_i W_k)            score of source position i
    a   = softmax(e) over the valid positions     a_i = 0 wherever the source is padding
    c   = sum_i a_i k_i                           the context vector

k_i W_k does not depend on the step, so :meth:`AdditiveAttention.project_keys` computes it
once per source sentence.
"""

from __future__ import annotations

import torch
from torch import nn


def masked_softmax(scores: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    """softmax over the last axis with the positions where ``valid`` is False given weight 0."""
    scores = scores.masked_fill(~valid, float("-inf"))
    return torch.softmax(scores, dim=-1)


class AdditiveAttention(nn.Module):
    """e_i = w_v^T tanh(q W_q + k_i W_k); weights = masked softmax(e); context = sum a_i k_i."""

    def __init__(self, query_size: int, key_size: int, num_hiddens: int) -> None:
        super().__init__()
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)

    def project_keys(self, keys: torch.Tensor) -> torch.Tensor:
        """k_i W_k for every source position: (batch, src_len, num_hiddens)."""
        return self.W_k(keys)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, projected: torch.Tensor,
                valid: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Context (batch, key_size) and weights (batch, src_len) for query (batch, query_size).

        ``projected`` is :meth:`project_keys` of ``keys``; ``valid`` (batch, src_len) is True on
        real tokens and False on padding.
        """
        scores = self.w_v(torch.tanh(self.W_q(query).unsqueeze(1) + projected)).squeeze(-1)
        weights = masked_softmax(scores, valid)
        context = torch.bmm(weights.unsqueeze(1), keys).squeeze(1)
        return context, weights
