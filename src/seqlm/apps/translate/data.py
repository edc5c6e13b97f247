"""From a pair file to id sequences: sides, tokenisers, de-duplication, split, vocabularies.

``DataConfig`` says where the pairs come from and how each side is read. Column 1 of the file
is English and column 2 Chinese for ``eng-cn``; ``reverse`` translates column 2 -> column 1.
Without a ``valid`` file the pairs are de-duplicated on the normalised column-1 sentence (its
tokens) and split at random, seeded: (1 - valid_frac - test_frac) / valid_frac / test_frac.
Vocabularies put ``<unk>`` at 0, then ``<pad>``, ``<bos>``, ``<eos>``; rarer source tokens than
``src_min_freq`` become ``<unk>`` (so the model learns what to do with unknown words).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from seqlm.apps.translate import tokenize as _tokenizers  # noqa: F401  (registers en_words...)
from seqlm.apps.translate.pairs import Pair, dedupe, read_pairs, split_pairs
from seqlm.data import Vocab, get_tokenizer
from seqlm.errors import ConfigError, DataError, require_int
from seqlm.registry import config_to_dict, make_config

PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"
RESERVED = (PAD, BOS, EOS)
COLUMN_TOKENIZERS = ("en_words", "zh_chars")  # defaults for column 1 and column 2 of eng-cn
PARTS = ("train", "valid", "test")


@dataclass
class DataConfig:
    """Where the pairs come from and how each side is tokenised (saved in checkpoints)."""

    data: str = "eng-cn"
    valid: str | None = None
    reverse: bool = False
    src_tokenizer: str | None = None
    tgt_tokenizer: str | None = None
    dedupe: bool = True
    valid_frac: float = 0.05
    test_frac: float = 0.05
    split_seed: int = 0
    src_min_freq: int = 2
    tgt_min_freq: int = 1

    def __post_init__(self) -> None:
        first, second = COLUMN_TOKENIZERS[::-1] if self.reverse else COLUMN_TOKENIZERS
        self.src_tokenizer = self.src_tokenizer or first
        self.tgt_tokenizer = self.tgt_tokenizer or second
        get_tokenizer(self.src_tokenizer)
        get_tokenizer(self.tgt_tokenizer)
        for name in ("src_min_freq", "tgt_min_freq", "split_seed"):
            require_int(name, getattr(self, name), 0)
        if self.valid_frac + self.test_frac >= 1:
            raise ConfigError("valid and test fractions must leave pairs to train on")

    def to_dict(self) -> dict[str, Any]:
        return config_to_dict(self)

    @classmethod
    def from_dict(cls, d: Any) -> DataConfig:
        """Rebuild from :meth:`to_dict` (a checkpoint's), typed; unknown keys: ConfigError."""
        return make_config(cls, d)

    def tokens(self, side: str, text: str) -> list[str]:
        """Tokens of one sentence of ``side`` ("src" or "tgt")."""
        name = self.src_tokenizer if side == "src" else self.tgt_tokenizer
        return list(get_tokenizer(str(name))(text))

    def orient(self, pairs: Sequence[Pair]) -> list[Pair]:
        """(source, target) pairs in the direction of translation."""
        return [(b, a) for a, b in pairs] if self.reverse else list(pairs)

    def part(self, which: str, data: str | None = None) -> list[Pair]:
        """Pairs of ``which`` (train, valid, test), oriented; ``data`` overrides the file."""
        if which not in PARTS:
            raise ConfigError(f"unknown part {which!r}; use {', '.join(PARTS)}")
        if self.valid is not None and which != "test":
            return self.orient(read_pairs(self.data if which == "train" else self.valid))
        if self.valid is not None:
            raise ConfigError("this model was trained on given files: give the test file itself")
        pairs = read_pairs(data or self.data)
        if self.dedupe:
            first = self.tgt_tokenizer if self.reverse else self.src_tokenizer
            tok = get_tokenizer(str(first))
            pairs = dedupe(pairs, lambda s: tuple(tok(s)))
        parts = dict(zip(PARTS, split_pairs(pairs, self.valid_frac, self.test_frac,
                                            self.split_seed), strict=True))
        return self.orient(parts[which])


@dataclass
class Vocabs:
    """The two vocabularies; ids of the reserved tokens are the same on both sides."""

    src: Vocab
    tgt: Vocab

    @classmethod
    def build(cls, cfg: DataConfig, pairs: Sequence[Pair]) -> Vocabs:
        """Vocabularies of the training pairs (``<unk>``, ``<pad>``, ``<bos>``, ``<eos>`` first)."""
        src = Vocab((cfg.tokens("src", s) for s, _ in pairs), cfg.src_min_freq, RESERVED)
        tgt = Vocab((cfg.tokens("tgt", t) for _, t in pairs), cfg.tgt_min_freq, RESERVED)
        return cls(src, tgt)

    @property
    def pad(self) -> int:
        return self.tgt.token_to_idx[PAD]

    @property
    def bos(self) -> int:
        return self.tgt.token_to_idx[BOS]

    @property
    def eos(self) -> int:
        return self.tgt.token_to_idx[EOS]

    def to_dict(self) -> dict[str, Any]:
        return {"src": self.src.to_dict(), "tgt": self.tgt.to_dict()}

    @classmethod
    def from_dict(cls, d: Any) -> Vocabs:
        """Rebuild from :meth:`to_dict`; both must hold the reserved tokens at the same ids."""
        if not isinstance(d, dict) or "src" not in d or "tgt" not in d:
            raise DataError("not a translation checkpoint: it lacks the two vocabularies")
        v = cls(Vocab.from_dict(d["src"]), Vocab.from_dict(d["tgt"]))
        for tok in RESERVED:
            if tok not in v.src or v.src.token_to_idx.get(tok) != v.tgt.token_to_idx.get(tok):
                raise DataError(f"the vocabularies disagree on the id of {tok}")
        return v

    def encode_source(self, tokens: Sequence[str]) -> np.ndarray:
        """Source ids followed by ``<eos>``; unknown (and reserved-looking) tokens -> ``<unk>``."""
        ids = self.src.encode(tokens)
        ids[np.isin(ids, [self.pad, self.bos, self.eos])] = self.src.unk
        return np.append(ids, self.eos)

    def encode_target(self, tokens: Sequence[str]) -> np.ndarray:
        """``<bos>``, the target ids, ``<eos>`` (teacher forcing reads [:-1], predicts [1:])."""
        ids = self.tgt.encode(tokens)
        ids[np.isin(ids, [self.pad, self.bos, self.eos])] = self.tgt.unk
        return np.concatenate([[self.bos], ids, [self.eos]]).astype(np.int64)
