"""A tiny recurrent LM following the seqlm.rnn contract, so the loop is tested on its own."""

from __future__ import annotations

import torch
from torch import nn


class TinyLM(nn.Module):
    """Embedding -> nn.GRU -> linear: forward(X, state) -> (logits, state)."""

    def __init__(self, vocab_size: int = 7, hidden: int = 8, dropout: float = 0.0) -> None:
        super().__init__()
        self.config = {"kind": "tiny", "vocab_size": vocab_size, "hidden": hidden}
        self.emb = nn.Embedding(vocab_size, hidden)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, vocab_size)

    def begin_state(self, batch_size: int, device: torch.device | str = "cpu") -> torch.Tensor:
        w = self.out.weight
        return torch.zeros(1, batch_size, self.rnn.hidden_size, device=device, dtype=w.dtype)

    def forward(self, X: torch.Tensor, state: torch.Tensor | None = None):
        if state is None:
            state = self.begin_state(X.shape[0], X.device)
        H, state = self.rnn(self.drop(self.emb(X)), state)
        return self.out(self.drop(H)), state


def corpus(n: int = 600, vocab: int = 7, seed: int = 0) -> list[int]:
    """A learnable stream: mostly a fixed cycle, with some random tokens."""
    g = torch.Generator().manual_seed(seed)
    cyc = [i % vocab for i in range(n)]
    noise = torch.randint(0, vocab, (n,), generator=g).tolist()
    flip = torch.rand(n, generator=g) < 0.2
    return [noise[i] if flip[i] else cyc[i] for i in range(n)]


class LinearLM(nn.Module):
    """Embedding -> linear, nothing saturates: a far too high learning rate overflows for sure."""

    def __init__(self, vocab_size: int = 7, hidden: int = 8) -> None:
        super().__init__()
        self.emb = nn.Embedding(vocab_size, hidden)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, X: torch.Tensor, state: None = None):
        return self.out(self.emb(X)), None
