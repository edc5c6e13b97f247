"""Text -> the id streams a language model trains and validates on, tokenised as it scores.

Char level trains and scores in stream mode (the text is one sequence); word level in sentence
mode (every line is ``<s> w_1 ... w_n </s>``, the stream the scorer uses, see
:mod:`seqlm.rnn.corpus`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from seqlm.data import Vocab, load_text
from seqlm.errors import ConfigError, DataError
from seqlm.rnn.corpus import lm_tokens, lm_vocab

Level = Literal["char", "word"]
LEVELS: dict[str, tuple[str, str]] = {"char": ("stream", "char"), "word": ("sentence", "word")}


def level_settings(level: str) -> tuple[str, str]:
    """(scoring mode, tokenizer) for a level: char -> stream/char, word -> sentence/word."""
    if level not in LEVELS:
        raise ConfigError(f"unknown level {level!r}; use char or word")
    return LEVELS[level]


@dataclass
class LMData:
    """A vocabulary and the training / validation id streams built with it."""

    vocab: Vocab
    train_ids: np.ndarray
    valid_ids: np.ndarray | None
    level: str

    @property
    def mode(self) -> str:
        return level_settings(self.level)[0]

    @property
    def tokenizer(self) -> str:
        return level_settings(self.level)[1]


def lm_data(train_text: str, valid_text: str | None, level: str = "char",
            min_freq: int = 1, vocab: Vocab | None = None) -> LMData:
    """Tokenise both texts the way the scorer will, build (or reuse) the vocabulary, encode."""
    mode, tok = level_settings(level)
    vocab = vocab or lm_vocab(train_text, mode, tok, min_freq=min_freq)  # type: ignore[arg-type]
    train_ids = vocab.encode(lm_tokens(train_text, mode, tok))  # type: ignore[arg-type]
    valid_ids = None
    if valid_text is not None:
        short = DataError("the validation text has fewer than two tokens: give a longer text "
                          "or a larger --valid-frac (or --valid-split)")
        try:
            valid_ids = vocab.encode(lm_tokens(valid_text, mode, tok))  # type: ignore[arg-type]
        except DataError:  # no tokens at all (units() found nothing to score)
            raise short from None
        if len(valid_ids) < 2:
            raise short
    return LMData(vocab, train_ids, valid_ids, level)


def split_text(text: str, valid_frac: float) -> tuple[str, str]:
    """First ``1 - valid_frac`` of the text for training, the rest held out (by position)."""
    if not 0.0 < valid_frac < 1.0:
        raise ConfigError(f"validation fraction must be in (0, 1), got {valid_frac!r}")
    cut = int(len(text) * (1.0 - valid_frac))
    newline = text.find("\n", cut)
    if 0 <= newline < len(text) - 1:  # keep whole lines (sentences) on one side
        cut = newline + 1
    return text[:cut], text[cut:]


def read_texts(data: str, split: str | None, valid_split: str | None, valid_frac: float,
               preset: str = "raw") -> tuple[str, str]:
    """(training text, validation text) of a dataset name or file: the validation split if
    given, else the last ``valid_frac`` of the training text."""
    text = load_text(data, split=split, preset=preset)
    if valid_split:
        return text, load_text(data, split=valid_split, preset=preset)
    return split_text(text, valid_frac)
