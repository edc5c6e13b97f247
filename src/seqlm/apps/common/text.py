"""Examples as token ids: tokenise (char or word), build a vocabulary with a padding token that
is never a real token, and encode — unseen tokens become ``<unk>`` (index 0)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from seqlm.data import Vocab, get_tokenizer
from seqlm.errors import ConfigError, DataError

PAD = "<pad>"
LEVELS = ("char", "word")


def tokenize(text: str, level: str) -> list[str]:
    """The tokens of one example: its characters, or its whitespace-separated words."""
    if level not in LEVELS:
        raise ConfigError(f"unknown level {level!r}; use char or word")
    return list(get_tokenizer(level)(text))


def build_vocab(texts: Sequence[str], level: str = "char", min_freq: int = 1) -> Vocab:
    """``<unk>`` (0), ``<pad>`` (1), then the training tokens by falling frequency."""
    return Vocab((tokenize(t, level) for t in texts), min_freq=min_freq, reserved_tokens=[PAD])


def pad_index(vocab: Vocab) -> int:
    """Index of ``<pad>``: a reserved token no text encodes to (DataError if missing)."""
    if PAD not in vocab:
        raise DataError(f"the vocabulary has no {PAD!r} token to pad with")
    return vocab.token_to_idx[PAD]


def encode_texts(texts: Sequence[str], vocab: Vocab, level: str = "char") -> list[np.ndarray]:
    """Token ids of every example; an empty example (no tokens) is a DataError naming it.

    A literal ``<pad>`` in a text is read as ``<unk>``, so padding is never a real token.
    """
    pad = pad_index(vocab)
    out = []
    for i, text in enumerate(texts):
        ids = vocab.encode(tokenize(text, level))
        if not len(ids):
            raise DataError(f"example {i + 1} is empty: {text!r}")
        ids[ids == pad] = vocab.unk
        out.append(ids)
    return out


def unseen_tokens(text: str, vocab: Vocab, level: str = "char") -> list[str]:
    """Tokens of ``text`` that the vocabulary does not hold (they are read as ``<unk>``)."""
    return sorted({t for t in tokenize(text, level) if t not in vocab or t == PAD})
