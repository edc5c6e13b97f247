"""The encoder-decoder: a masked (bi)directional RNN encoder and an RNN decoder with attention.

    K, h = Encoder(x_1..x_S)                     K: one key per source token; h: final states
    s_0 = tanh(h W_b + b_b)                      the decoder starts from the encoder's state
    c_t = Attention(s_{t-1}, K)                  additive (Bahdanau) attention, padding masked
          (attention "none": c_t = h for every t, the classical fixed summary)
    s_t = Cell([E y_{t-1}; c_t], s_{t-1})        any registered seqlm.rnn cell, one step
    o_t = tanh([s_t; c_t; E y_{t-1}] W_o + b_o)  Bahdanau's "deep output"
    p(y_t | y_<t, x) = softmax(o_t W_hq + b_q)

The encoder is :class:`seqlm.apps.common.SequenceEncoder` (the one every application shares);
the cell is read through ``hidden_states``. The model registers itself as ``seq2seq`` in
:data:`MODELS` with its typed :class:`Seq2SeqConfig` (``MODELS.build("seq2seq", {...})``).
Training feeds the reference y_{t-1} (teacher forcing); decoding feeds the model's own choice
(:mod:`seqlm.apps.translate.search`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import torch
from torch import nn

from seqlm.apps.common import EncoderConfig, SequenceEncoder, length_mask
from seqlm.apps.translate.attention import AdditiveAttention
from seqlm.errors import ConfigError, require_fraction, require_int
from seqlm.registry import Registry, config_to_dict, make_config

ATTENTIONS = ("additive", "none")
MODELS: Registry[Any] = Registry("translation model")


@dataclass
class Seq2SeqConfig:
    """Sizes and choices of an encoder-decoder (saved in checkpoints; rebuilds the model).

    ``cell``: any seqlm.rnn kind, used for the encoder (both directions) and the decoder (a
    scratch kind's decoder has one layer); the vocabulary sizes (0 until known) come from the
    data.
    """

    src_vocab: int = 0
    tgt_vocab: int = 0
    cell: str = "gru"
    embed: int = 256
    hidden: int = 256
    layers: int = 1
    bidirectional: bool = True
    attention: str = "additive"
    dropout: float = 0.2

    def __post_init__(self) -> None:
        if self.attention not in ATTENTIONS:
            raise ConfigError(f"unknown attention {self.attention!r}; use {', '.join(ATTENTIONS)}")
        for name in ("src_vocab", "tgt_vocab", "embed", "hidden", "layers"):
            value = getattr(self, name)
            require_int(name, value, 0 if name.endswith("vocab") else 1)
        require_fraction("dropout", self.dropout)
        self.encoder_config()  # an unknown cell kind fails here

    def encoder_config(self) -> EncoderConfig:
        """The shared encoder's settings: ``cell`` over the source vocabulary, last states."""
        return EncoderConfig(vocab_size=max(self.src_vocab, 1), kind=self.cell,
                             num_hiddens=self.hidden, embed_size=self.embed, num_layers=self.layers,
                             bidirectional=self.bidirectional, dropout=float(self.dropout))

    def decoder_config(self, key_size: int) -> dict[str, Any]:
        """The decoder cell: input [E y; c], output layer unused (read via hidden_states)."""
        cfg: dict[str, Any] = {"kind": self.cell, "num_hiddens": self.hidden,
                               "input_size": self.embed + key_size, "output_size": 1}
        if self.cell in ("rnn", "gru", "lstm"):
            cfg["num_layers"] = self.layers
        return cfg

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Seq2SeqConfig:
        """Rebuild from a checkpoint's ``model_config`` (its ``kind`` key ignored), typed."""
        if not isinstance(d, dict):
            raise ConfigError("a translation model config must be a dict")
        return make_config(cls, {k: v for k, v in d.items() if k != "kind"})


class Memory(NamedTuple):
    """What the decoder reads from the encoder."""

    keys: torch.Tensor              # (batch, src_len, key_size) encoder outputs
    projected: torch.Tensor | None  # keys W_k (attention) or None
    valid: torch.Tensor             # (batch, src_len) True on real tokens, False on padding
    summary: torch.Tensor           # (batch, key_size) the encoder's final states

    def select(self, index: torch.Tensor) -> Memory:
        """The rows ``index`` (beam search copies a sentence's memory per hypothesis)."""
        return Memory(self.keys[index],
                      None if self.projected is None else self.projected[index],
                      self.valid[index], self.summary[index])


def top_hidden(state: Any) -> torch.Tensor:
    """The last layer's hidden state (batch, hidden) of any cell's state (H, (H, C), layers)."""
    H = state[0] if isinstance(state, tuple) else state
    return H[-1] if H.dim() == 3 else H


def select_state(state: Any, index: torch.Tensor) -> Any:
    """The batch rows ``index`` of a cell state (tensor or tuple; batch is the second-to-last
    axis of layered states (layers, batch, hidden) and the first of (batch, hidden))."""
    if isinstance(state, tuple):
        return tuple(select_state(s, index) for s in state)
    return state[:, index] if state.dim() == 3 else state[index]


def _filled(zero_state: Any, h0: torch.Tensor) -> Any:
    """A cell state shaped like ``zero_state`` with every layer's H set to h0 (C stays 0)."""
    if isinstance(zero_state, tuple):
        return (_filled(zero_state[0], h0), *zero_state[1:])
    return h0.expand_as(zero_state).contiguous() if zero_state.dim() == 3 else h0


@MODELS.register("seq2seq", config=Seq2SeqConfig)
class Seq2Seq(nn.Module):
    """Encoder-decoder translation model; ``forward((src, src_len, tgt_in))`` -> logits."""

    kind = "seq2seq"

    def __init__(self, config: Seq2SeqConfig) -> None:
        super().__init__()
        from seqlm.rnn import build_model

        if not (config.src_vocab and config.tgt_vocab):
            raise ConfigError("the model needs both vocabulary sizes (src_vocab, tgt_vocab)")
        self.cfg = config
        self.config: dict[str, Any] = {"kind": self.kind, **config_to_dict(config)}
        c = config
        self.encoder = SequenceEncoder(c.encoder_config())
        key_size = c.hidden * (2 if c.bidirectional else 1)
        self.bridge = nn.Linear(key_size, c.hidden)
        self.embedding = nn.Embedding(c.tgt_vocab, c.embed)
        self.attention = (AdditiveAttention(c.hidden, key_size, c.hidden)
                          if c.attention == "additive" else None)
        self.decoder: Any = build_model(c.decoder_config(key_size))  # any seqlm.rnn kind
        self.W_o = nn.Linear(c.hidden + key_size + c.embed, c.hidden)
        self.out = nn.Linear(c.hidden, c.tgt_vocab)  # W_hq, b_q
        self.drop = nn.Dropout(c.dropout)

    def encode(self, src: torch.Tensor, src_len: torch.Tensor) -> tuple[Memory, Any]:
        """Run the encoder; return the memory and the decoder's initial state s_0."""
        keys, summary = self.encoder(src, src_len)
        valid = length_mask(src_len.to(src.device), src.shape[1])
        projected = self.attention.project_keys(keys) if self.attention is not None else None
        h0 = torch.tanh(self.bridge(summary))
        state = _filled(self.decoder.begin_state(src.shape[0], src.device), h0)
        return Memory(keys, projected, valid, summary), state

    def _recur(self, emb: torch.Tensor, state: Any, memory: Memory
               ) -> tuple[torch.Tensor, Any, torch.Tensor | None]:
        """One decoder step from embedded y_{t-1}: features [s_t; c_t; e], state, weights."""
        if self.attention is not None:
            assert memory.projected is not None
            context, weights = self.attention(top_hidden(state), memory.keys, memory.projected,
                                              memory.valid)
        else:
            context, weights = memory.summary, None
        s, state = self.decoder.hidden_states(torch.cat([emb, context], -1).unsqueeze(1), state)
        return torch.cat([s[:, 0], context, emb], -1), state, weights

    def logits(self, features: torch.Tensor) -> torch.Tensor:
        """softmax input o W_hq + b_q with o = tanh([s; c; e] W_o + b_o) (deep output)."""
        return self.out(self.drop(torch.tanh(self.W_o(features))))

    def step(self, y_prev: torch.Tensor, state: Any, memory: Memory
             ) -> tuple[torch.Tensor, Any, torch.Tensor | None]:
        """One decoding step: logits (batch, vocab), the new state, attention weights or None."""
        features, state, weights = self._recur(self.drop(self.embedding(y_prev)), state, memory)
        return self.logits(features), state, weights

    def forward(self, X: tuple[torch.Tensor, torch.Tensor, torch.Tensor], state: Any = None
                ) -> tuple[torch.Tensor, None]:
        """Teacher forcing: logits (batch, tgt_len, vocab) of the tokens after ``tgt_in``."""
        src, src_len, tgt_in = X
        memory, s = self.encode(src, src_len)
        emb = self.drop(self.embedding(tgt_in))
        features = []
        for t in range(tgt_in.shape[1]):
            f, s, _ = self._recur(emb[:, t], s, memory)
            features.append(f)
        return self.logits(torch.stack(features, dim=1)), None
