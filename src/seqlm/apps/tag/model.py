"""The tagger: a bidirectional RNN over words whose inputs are a word embedding and a
character-level bidirectional RNN's summary of the word's spelling; a softmax per word.

    c_w   = [->h_last ; <-h_first] of the char encoder over  <w> c_1 ... c_n </w>
    x_t   = [E_word[w_t] ; c_{w_t}]
    h_t   = [->h_t ; <-h_t] of ``layers`` stacked bidirectional word encoders (layer k + 1
            reads both directions of layer k), dropout on every layer's input
    P(y_t | w_1..w_T) = softmax(W_hq h_t + b_q)     (dropout before W_hq)

Both encoders are :class:`seqlm.apps.common.SequenceEncoder` (any seqlm.rnn cell kind; the
result never depends on padding or batch-mates). A word unseen in training has no embedding of
its own (it gets ``<unk>``'s) but its spelling still reaches c_w. Word dropout (Kiperwasser &
Goldberg 2016) replaces a training word of count f by ``<unk>`` with probability
alpha / (alpha + f), so ``<unk>`` is trained on rare words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import torch
from torch import nn

from seqlm.apps.common import EncoderConfig, SequenceEncoder
from seqlm.apps.common.registry import MODELS
from seqlm.errors import ConfigError, require_fraction, require_int, require_number
from seqlm.registry import make_config

WORD_CELLS = ("rnn", "gru", "lstm", "rnn_scratch", "gru_scratch", "lstm_scratch")


@dataclass(frozen=True)
class TaggerConfig:
    """Sizes and regularisation of a :class:`Tagger` (saved in its checkpoints)."""

    num_words: int
    num_chars: int
    num_tags: int
    cell: str = "lstm"
    char_cell: str = "lstm"
    word_embed: int = 100
    char_embed: int = 32
    char_hidden: int = 64
    hidden: int = 128
    layers: int = 2
    dropout: float = 0.33
    word_dropout: float = 0.25

    def __post_init__(self) -> None:
        for name in ("cell", "char_cell"):
            if getattr(self, name) not in WORD_CELLS:
                raise ConfigError(f"unknown {name.replace('_', ' ')} {getattr(self, name)!r}; "
                                  f"use one of {', '.join(WORD_CELLS)}")
        for f in fields(self):
            v = getattr(self, f.name)
            if f.type in ("int", int):
                require_int(f.name, v)
        require_fraction("dropout", self.dropout)
        require_number("word dropout", self.word_dropout, 0.0, 1e6)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "tagger", **asdict(self)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TaggerConfig:
        """The typed config from :meth:`to_dict`'s dict (unknown keys, wrong types refused)."""
        d = dict(d)
        if d.pop("kind", "tagger") != "tagger":
            raise ConfigError("not a tagger configuration")
        return make_config(cls, d)

    def char_encoder(self) -> EncoderConfig:
        """The spelling encoder: char ids -> [->h_last ; <-h_first]."""
        return EncoderConfig(vocab_size=self.num_chars, kind=self.char_cell,
                             num_hiddens=self.char_hidden, embed_size=self.char_embed)

    def word_encoder(self, layer: int) -> EncoderConfig:
        """Word layer ``layer`` (0 = bottom): vectors in, both directions' H_t out."""
        width = self.word_embed + 2 * self.char_hidden if layer == 0 else 2 * self.hidden
        return EncoderConfig(vocab_size=0, input_size=width, kind=self.cell, embed_size=0,
                             num_hiddens=self.hidden, dropout=self.dropout)


@MODELS.register("tagger", config=TaggerConfig)
class Tagger(nn.Module):
    """Per-token tagger over words and characters (see the module docstring)."""

    kind = "tagger"

    def __init__(self, config: TaggerConfig, word_counts: list[int] | None = None) -> None:
        super().__init__()
        c = self.cfg = config
        self.config = config.to_dict()
        self.chars = SequenceEncoder(c.char_encoder())
        self.embedding = nn.Embedding(c.num_words, c.word_embed)
        self.layers = nn.ModuleList(SequenceEncoder(c.word_encoder(k)) for k in range(c.layers))
        self.drop = nn.Dropout(c.dropout)
        self.decoder = nn.Linear(2 * c.hidden, c.num_tags)  # W_hq, b_q
        counts = torch.tensor(word_counts if word_counts is not None else [0] * c.num_words,
                              dtype=torch.float32)
        if counts.shape != (c.num_words,):
            raise ConfigError(f"word counts must have {c.num_words} entries")
        alpha = c.word_dropout
        p = torch.where(counts > 0, alpha / (alpha + counts.clamp(min=1)), 0.0)
        self.register_buffer("unk_prob", p)  # <unk>, <pad> (count 0) are never replaced

    def drop_words(self, words: torch.Tensor) -> torch.Tensor:
        """Word dropout: each id becomes 0 (``<unk>``) with probability ``unk_prob[id]``."""
        if self.cfg.word_dropout == 0:
            return words
        unk_prob: torch.Tensor = self.unk_prob  # type: ignore[assignment]
        return words.masked_fill(torch.bernoulli(unk_prob[words]).bool(), 0)

    def spell(self, chars: torch.Tensor, char_lengths: torch.Tensor) -> torch.Tensor:
        """c_w for every distinct form: (U, 2 * char_hidden)."""
        return self.chars(chars, char_lengths)[1]

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Tag logits (B, T, num_tags) for a batch of :func:`seqlm.apps.tag.batches.collate`."""
        words = self.drop_words(batch["words"]) if self.training else batch["words"]
        spelled = self.spell(batch["chars"], batch["char_lengths"])[batch["form_index"]]
        h = torch.cat([self.embedding(words), spelled], dim=-1)
        for layer in self.layers:
            h = layer(h, batch["lengths"])[0]
        return self.decoder(self.drop(h))
