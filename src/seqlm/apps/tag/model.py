"""The tagger: a bidirectional RNN over words whose inputs are a word embedding and a
character-level bidirectional RNN's summary of the word's spelling; a softmax per word.

    c_w   = [->h_last ; <-h_first] of the char RNN over  <w> c_1 ... c_n </w>
    x_t   = [E_word[w_t] ; c_{w_t}]                 (dropout)
    h_t   = [->h_t ; <-h_t]  of the word RNN over x_1..x_T, padding masked (packed)
    P(y_t | w_1..w_T) = softmax(W_hq h_t + b_q)     (dropout before W_hq)

A word unseen in training has no embedding of its own (it gets ``<unk>``'s) but its spelling
still reaches c_w. Word dropout (Kiperwasser & Goldberg 2016) replaces a training word of count
f by ``<unk>`` with probability alpha / (alpha + f), so ``<unk>`` is trained on rare words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seqlm.errors import ConfigError

CELLS: dict[str, type[nn.RNNBase]] = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


@dataclass(frozen=True)
class TaggerConfig:
    """Sizes and regularisation of a :class:`Tagger` (saved in its checkpoints)."""

    num_words: int
    num_chars: int
    num_tags: int
    cell: str = "lstm"
    word_embed: int = 100
    char_embed: int = 32
    char_hidden: int = 64
    hidden: int = 128
    layers: int = 2
    dropout: float = 0.33
    word_dropout: float = 0.25

    def __post_init__(self) -> None:
        if self.cell not in CELLS:
            raise ConfigError(f"unknown cell {self.cell!r}; use one of {', '.join(CELLS)}")
        for f in fields(self):
            v = getattr(self, f.name)
            if f.type in ("int", int) and (isinstance(v, bool) or not isinstance(v, int)
                                          or v <= 0):
                raise ConfigError(f"{f.name} must be a positive integer, got {v!r}")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout!r}")
        if not 0.0 <= self.word_dropout:
            raise ConfigError(f"word dropout must be >= 0, got {self.word_dropout!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "tagger", **asdict(self)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TaggerConfig:
        d = dict(d)
        if d.pop("kind", "tagger") != "tagger":
            raise ConfigError("not a tagger configuration")
        names = {f.name for f in fields(cls)}
        unknown = set(d) - names
        if unknown:
            raise ConfigError(f"unknown tagger settings: {', '.join(sorted(unknown))}")
        return cls(**d)


def birnn_states(rnn: nn.RNNBase, x: torch.Tensor, lengths: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Run a bidirectional ``rnn`` over padded ``x`` (B, T, D) with packing: the padding never
    enters a state. Returns every step's [->h ; <-h] (B, T, 2H), zeros on padding, and the
    summary [->h_last ; <-h_first] of the top layer (B, 2H)."""
    packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
    out, state = rnn(packed)
    h = state[0] if isinstance(state, tuple) else state
    steps, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
    return steps, torch.cat([h[-2], h[-1]], dim=-1)


class Tagger(nn.Module):
    """Per-token tagger over words and characters (see the module docstring)."""

    kind = "tagger"

    def __init__(self, config: TaggerConfig, word_counts: list[int] | None = None) -> None:
        super().__init__()
        c = self.cfg = config
        self.config = config.to_dict()
        rnn = CELLS[c.cell]
        self.char_embedding = nn.Embedding(c.num_chars, c.char_embed)
        self.char_rnn = rnn(c.char_embed, c.char_hidden, batch_first=True, bidirectional=True)
        self.embedding = nn.Embedding(c.num_words, c.word_embed)
        self.rnn = rnn(c.word_embed + 2 * c.char_hidden, c.hidden, num_layers=c.layers,
                       batch_first=True, bidirectional=True,
                       dropout=c.dropout if c.layers > 1 else 0.0)
        self.drop = nn.Dropout(c.dropout)
        self.decoder = nn.Linear(2 * c.hidden, c.num_tags)  # W_hq, b_q
        counts = torch.tensor(word_counts if word_counts is not None else [0] * c.num_words,
                              dtype=torch.float32)
        if counts.shape != (c.num_words,):
            raise ConfigError(f"word counts must have {c.num_words} entries")
        keep = counts > 0  # <unk>, <pad> (count 0) are never replaced
        p = torch.where(keep, c.word_dropout / (c.word_dropout + counts.clamp(min=1)), 0.0)
        self.register_buffer("unk_prob", p)

    def spell(self, chars: torch.Tensor, char_lengths: torch.Tensor) -> torch.Tensor:
        """c_w for every distinct form: (U, 2 * char_hidden)."""
        return birnn_states(self.char_rnn, self.char_embedding(chars), char_lengths)[1]

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Tag logits (B, T, num_tags) for a batch of :func:`seqlm.apps.tag.batches.collate`."""
        words = batch["words"]
        if self.training and self.cfg.word_dropout > 0:
            drop = torch.bernoulli(self.unk_prob[words]).bool()
            words = words.masked_fill(drop, 0)  # id 0 = <unk>
        spelled = self.spell(batch["chars"], batch["char_lengths"])[batch["form_index"]]
        x = self.drop(torch.cat([self.embedding(words), spelled], dim=-1))
        steps, _ = birnn_states(self.rnn, x, batch["lengths"])
        return self.decoder(self.drop(steps))
