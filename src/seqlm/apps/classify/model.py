"""Many-to-one classifier: a masked sequence encoder over any seqlm.rnn kind, its pooled states
(last / mean / max, both directions), dropout, then one linear layer to class logits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from seqlm.apps.common.encoder import EncoderConfig, SequenceEncoder
from seqlm.apps.common.registry import MODELS
from seqlm.errors import ConfigError
from seqlm.registry import config_to_dict


@dataclass
class ClassifierConfig:
    """The encoder's settings plus the head: ``num_classes``, ``head_dropout``."""

    vocab_size: int
    num_classes: int
    kind: str = "lstm"
    num_hiddens: int = 128
    embed_size: int = 64
    num_layers: int = 1
    bidirectional: bool = True
    dropout: float = 0.0
    weight_drop: float = 0.0
    pool: str = "max+mean"
    head_dropout: float = 0.2

    def __post_init__(self) -> None:
        self.encoder_config()  # validates the encoder part
        if isinstance(self.num_classes, bool) or not isinstance(self.num_classes, int) \
                or self.num_classes < 2:
            raise ConfigError(f"num_classes must be an integer >= 2, got {self.num_classes!r}")
        if not 0.0 <= self.head_dropout < 1.0:
            raise ConfigError(f"head_dropout must be in [0, 1), got {self.head_dropout!r}")

    def encoder_config(self) -> EncoderConfig:
        keep = {k: v for k, v in config_to_dict(self).items()
                if k not in ("num_classes", "head_dropout")}
        return EncoderConfig(**keep)


@MODELS.register("classifier", config=ClassifierConfig)
class SequenceClassifier(nn.Module):
    """``model(ids, lengths) -> logits (batch, num_classes)``; softmax gives p(class | text)."""

    def __init__(self, config: ClassifierConfig) -> None:
        super().__init__()
        self.cfg = config
        self.encoder = SequenceEncoder(config.encoder_config())
        self.drop = nn.Dropout(config.head_dropout)
        self.head = nn.Linear(self.encoder.output_size, config.num_classes)
        self.config: dict[str, Any] = MODELS.dump("classifier", config)
        self.transfer: dict[str, Any] = {}  # direction -> what init_from_lm copied

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        _, pooled = self.encoder(ids, lengths)
        return self.head(self.drop(pooled))
