"""A masked sequence encoder over any seqlm.rnn model kind: token ids -> one vector per sequence
(and per step), independent of batch-mates and padding.

Each direction is a stack of seqlm.rnn models read through their ``hidden_states`` (the cells
themselves, never a copy): a torch.nn kind stacks ``num_layers`` inside one model, a scratch
kind stacks ``num_layers`` one-layer models (layer k > 1 reads the layer below's H_t). Batches
are right-padded, so the forward direction's H_t at a real position t < length never sees the
padding (the recurrence is causal); the backward direction reads each sequence reversed within
its length (padding still on the right) and its states are reversed back. Pooling reads only
the real positions: ``last`` (forward H at length-1, backward H at 0: each direction's state
after the whole sequence), ``mean`` and ``max`` over t < length.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, cast

import torch
from torch import nn

from seqlm.apps.common.padding import last_step, length_mask, reverse_padded
from seqlm.errors import ConfigError, require_fraction, require_int
from seqlm.rnn.base import SequenceModel

POOLS = ("last", "mean", "max")
TORCH_KINDS = ("rnn", "gru", "lstm")


@dataclass(kw_only=True)
class EncoderOptions:
    """The encoder's architecture: ``kind`` any seqlm.rnn model kind (rnn_scratch,
    gru_scratch, lstm_scratch, rnn, gru, lstm); ``embed_size`` 0 feeds one-hot ids;
    ``pool``: '+'-joined subset of last, mean, max."""

    kind: str = "lstm"
    num_hiddens: int = 128
    embed_size: int = 64
    num_layers: int = 1
    bidirectional: bool = True
    dropout: float = 0.0
    weight_drop: float = 0.0
    pool: str = "last"


@dataclass(kw_only=True)
class EncoderConfig(EncoderOptions):
    """The encoder's settings: its architecture over a vocabulary of ``vocab_size`` tokens
    (saved in checkpoints as a dict; ``from_dict`` rebuilds them). ``input_size`` > 0 (with
    ``vocab_size`` 0 and ``embed_size`` 0): the encoder reads float vectors of that width
    instead of token ids (a tagger's word layer over [word embedding ; spelling])."""

    vocab_size: int
    input_size: int = 0

    def __post_init__(self) -> None:
        from seqlm.rnn import KINDS

        if self.kind not in KINDS:
            raise ConfigError(f"unknown cell kind {self.kind!r}; choose one of {', '.join(KINDS)}")
        vectors = not isinstance(self.input_size, bool) and isinstance(self.input_size, int) \
            and self.input_size > 0 and self.vocab_size == 0 and self.embed_size == 0
        for name in ("input_size",) if vectors else ("vocab_size",):
            require_int(name, getattr(self, name))
        if not vectors and self.input_size != 0:
            raise ConfigError("give token ids (vocab_size) or vectors (input_size with "
                              "vocab_size 0 and embed_size 0), not both")
        for name in ("num_hiddens", "num_layers"):
            require_int(name, getattr(self, name))
        require_int("embed_size", self.embed_size, 0)
        for name in ("dropout", "weight_drop"):
            require_fraction(name, getattr(self, name))
        if not self.pools or any(p not in POOLS for p in self.pools) \
                or len(set(self.pools)) != len(self.pools):
            raise ConfigError(f"pool must be a '+'-joined subset of {', '.join(POOLS)}, "
                              f"got {self.pool!r}")

    @property
    def pools(self) -> list[str]:
        return [p for p in str(self.pool).split("+") if p]

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def output_size(self) -> int:
        """Width of the pooled vector: hidden x directions x pools."""
        return self.num_hiddens * self.directions * len(self.pools)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EncoderConfig:
        """Rebuild from :meth:`to_dict`; unknown keys are a ConfigError."""
        if not isinstance(d, dict):
            raise ConfigError("an encoder config must be a dict")
        unknown = set(d) - {f.name for f in fields(cls)}
        if unknown:
            raise ConfigError(f"unknown encoder settings: {', '.join(sorted(unknown))}")
        try:
            return cls(**d)
        except TypeError as exc:
            raise ConfigError(f"bad encoder settings: {exc}") from None

    def cell_configs(self) -> list[dict[str, Any]]:
        """seqlm.rnn model configs of one direction's stack, bottom first."""
        first: dict[str, Any] = {"kind": self.kind, "num_hiddens": self.num_hiddens,
                                 "vocab_size": self.vocab_size or None,
                                 "input_size": self.input_size or None,
                                 "embed_size": self.embed_size or None, "output_size": 1,
                                 "dropout": float(self.dropout),
                                 "weight_drop": float(self.weight_drop)}
        if self.kind in TORCH_KINDS:
            return [{**first, "num_layers": self.num_layers}]
        above = {**first, "vocab_size": None, "embed_size": None, "input_size": self.num_hiddens}
        return [first] + [dict(above) for _ in range(self.num_layers - 1)]


def _stack(cfg: EncoderConfig) -> nn.ModuleList:
    from seqlm.rnn import build_model

    return nn.ModuleList(build_model(c) for c in cfg.cell_configs())


class SequenceEncoder(nn.Module):
    """``encode(ids, lengths) -> (states (B, T, H*dirs), pooled (B, output_size))``.

    ``forward_stack`` reads left to right, ``backward_stack`` (bidirectional) right to left.
    """

    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.cfg = config
        self.forward_stack = _stack(config)
        self.backward_stack = _stack(config) if config.bidirectional else None
        self.config: dict[str, Any] = config.to_dict()

    @property
    def output_size(self) -> int:
        return self.cfg.output_size

    @staticmethod
    def _run(stack: nn.ModuleList, ids: torch.Tensor) -> torch.Tensor:
        h = ids
        for model in stack:
            h, _ = cast(SequenceModel, model).hidden_states(h)
        return h

    def states(self, ids: torch.Tensor, lengths: torch.Tensor) -> list[torch.Tensor]:
        """Per-direction H_t (B, T, H), all in the original left-to-right order."""
        out = [self._run(self.forward_stack, ids)]
        if self.backward_stack is not None:
            rev = self._run(self.backward_stack, reverse_padded(ids, lengths))
            out.append(reverse_padded(rev, lengths))
        return out

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor
                ) -> tuple[torch.Tensor, torch.Tensor]:
        per_dir = self.states(ids, lengths)
        mask = length_mask(lengths.to(ids.device), ids.shape[1]).unsqueeze(-1)
        pooled = []
        for pool in self.cfg.pools:
            for d, h in enumerate(per_dir):
                pooled.append(self._pool(pool, h, mask, lengths, backward=d == 1))
        return torch.cat(per_dir, dim=-1), torch.cat(pooled, dim=-1)

    @staticmethod
    def _pool(pool: str, h: torch.Tensor, mask: torch.Tensor, lengths: torch.Tensor,
              backward: bool) -> torch.Tensor:
        if pool == "last":  # the state after reading the whole sequence in this direction
            return h[:, 0] if backward else last_step(h, lengths)
        if pool == "mean":
            return (h * mask).sum(1) / lengths.to(h.device, h.dtype)[:, None]
        return h.masked_fill(~mask, float("-inf")).amax(1)
