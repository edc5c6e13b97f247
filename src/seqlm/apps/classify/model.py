"""Many-to-one classifier: a masked sequence encoder over any seqlm.rnn kind, its pooled states
(last / mean / max, both directions), dropout, then one linear layer to class logits; optionally
plus a linear model on hashed token n-grams (:mod:`seqlm.apps.classify.ngram_bag`) and the class
LMs' log-posteriors times a learned scale (:mod:`seqlm.apps.classify.class_lm`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import torch
from torch import nn

from seqlm.apps.classify.ngram_bag import NgramBag
from seqlm.apps.common.encoder import EncoderConfig, EncoderOptions, SequenceEncoder
from seqlm.apps.common.registry import MODELS
from seqlm.errors import ConfigError, require_fraction, require_int
from seqlm.registry import config_to_dict


@dataclass(kw_only=True)
class ModelOptions(EncoderOptions):
    """The classifier's architecture (vocabulary and class count come from the data): the
    encoder's, with classify's defaults (the best measured on the names data: 256 units, a
    128-wide embedding, dropout 0.4 / 0.5), plus ``head_dropout`` before the output layer and
    ``ngrams`` > 0: a bag of hashed 1..ngrams-grams into ``ngram_buckets`` buckets added."""

    num_hiddens: int = 256
    embed_size: int = 128
    dropout: float = 0.4
    pool: str = "max+mean"
    head_dropout: float = 0.5
    ngrams: int = 0
    ngram_buckets: int = 1 << 18


@dataclass(kw_only=True)
class ClassifierConfig(ModelOptions):
    """The registered classifier's config: its architecture, vocabulary size, class count, and
    ``lm_input``: whether the class LMs' log p(c | x) is an input of the output layer."""

    vocab_size: int
    num_classes: int
    lm_input: bool = False

    def __post_init__(self) -> None:
        self.encoder_config()  # validates the encoder part
        require_int("num_classes", self.num_classes, 2)
        require_fraction("head_dropout", self.head_dropout)
        if require_int("ngrams", self.ngrams, 0) > 8:
            raise ConfigError(f"ngrams must be in 0..8, got {self.ngrams!r}")
        if require_int("ngram_buckets", self.ngram_buckets) > 1 << 24:
            raise ConfigError(f"ngram_buckets must be <= 2^24, got {self.ngram_buckets!r}")

    def encoder_config(self) -> EncoderConfig:
        names = {f.name for f in fields(EncoderConfig)}
        return EncoderConfig(**{k: v for k, v in config_to_dict(self).items() if k in names})


@MODELS.register("classifier", config=ClassifierConfig)
class SequenceClassifier(nn.Module):
    """``model(ids, lengths) -> logits (batch, num_classes)``; softmax gives p(class | text)."""

    def __init__(self, config: ClassifierConfig) -> None:
        super().__init__()
        self.cfg = config
        self.encoder = SequenceEncoder(config.encoder_config())
        self.drop = nn.Dropout(config.head_dropout)
        self.head = nn.Linear(self.encoder.output_size, config.num_classes)
        self.bag = (NgramBag(config.ngrams, config.ngram_buckets, config.num_classes,
                             boundary=config.vocab_size) if config.ngrams else None)
        # s of  logits + s * log p_LM(c | x); 0.5 to start (the class LMs' usual weight)
        self.lm_scale = nn.Parameter(torch.tensor(0.5)) if config.lm_input else None
        self.config: dict[str, Any] = MODELS.dump("classifier", config)
        self.transfer: dict[str, Any] = {}  # direction -> what init_from_lm copied

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor,
                lm_logp: torch.Tensor | None = None) -> torch.Tensor:
        _, pooled = self.encoder(ids, lengths)
        logits = self.head(self.drop(pooled))
        if self.bag is not None:
            logits = logits + self.bag(ids, lengths)
        if self.lm_scale is not None:
            if lm_logp is None:
                raise ConfigError("this classifier reads the class LMs' log-posteriors: pass "
                                  "lm_logp (batch, classes)")
            logits = logits + self.lm_scale * lm_logp.to(logits.dtype)
        return logits
