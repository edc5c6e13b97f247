"""Text -> tokens for fitting and scoring: in C for the default ``word`` tokenizer, else Python.

Both give the units of ``seqlm.data.conventions.units`` and the same vocabulary and ids; the
C path (``cext.py``) splits the whole text in one pass and never makes a str per token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from seqlm.data.conventions import BOS, EOS, Mode, Unit, units
from seqlm.data.tokenize import Tokenizer, word_tokenize
from seqlm.data.vocab import Vocab
from seqlm.ngram.cext import compiled
from seqlm.ngram.encode import Encoded, encode_units
from seqlm.ngram.vocab_build import build_vocab, vocab_from_counts


class Tokens(Protocol):
    """A tokenised text that can build its vocabulary and be encoded with any vocabulary."""

    def vocab(self, reserved: tuple[str, ...]) -> Vocab: ...
    def encode(self, vocab: Vocab) -> Encoded: ...
    def sequence(self, vocab: Vocab) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass
class UnitTokens:
    """The Python path: one ``Unit`` (lists of str) per sentence or stream."""

    units: list[Unit]

    def vocab(self, reserved: tuple[str, ...]) -> Vocab:
        """Vocabulary of every token of every unit (markers included)."""
        return build_vocab([t for u in self.units for t in (*u.context, *u.targets)], reserved)

    def encode(self, vocab: Vocab) -> Encoded:
        """Ids, unit starts, targets and OOV flags (see ``encode_units``)."""
        return encode_units(self.units, vocab)

    def sequence(self, vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
        """``encode(vocab)``'s seq and unit_start (all that counting needs)."""
        enc = self.encode(vocab)
        return enc.seq, enc.unit_start


@dataclass
class TypeTokens:
    """The C path: distinct token types and, per position, the id of its type."""

    types: list[str]        # distinct tokens, in order of first appearance (markers first)
    counts: np.ndarray      # int64 occurrences of each type
    ids: np.ndarray         # int32 type of every position, units back to back
    unit_lens: np.ndarray   # int64 positions per unit (markers included); context is 1 token

    def vocab(self, reserved: tuple[str, ...]) -> Vocab:
        """The same Vocab as ``UnitTokens.vocab`` (ordering needs only the type counts)."""
        return vocab_from_counts(zip(self.types, self.counts.tolist(), strict=True), reserved)

    def sequence(self, vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
        """Word ids and unit starts as ``encode_units`` gives them: one id lookup per type,
        then one numpy take."""
        get, unk, n = vocab.token_to_idx.get, vocab.unk, len(self.types)
        remap = np.fromiter((get(t, unk) for t in self.types), dtype=np.int64, count=n)
        starts = np.zeros(len(self.unit_lens), dtype=np.int64)
        np.cumsum(self.unit_lens[:-1], out=starts[1:])
        return remap[self.ids], np.repeat(starts, self.unit_lens)

    def encode(self, vocab: Vocab) -> Encoded:
        """The same arrays as ``encode_units``; a token is OOV when its type is not in vocab."""
        seq, unit_start = self.sequence(vocab)
        targets = np.nonzero(np.arange(len(seq), dtype=np.int64) != unit_start)[0]
        n = len(self.types)
        oov_type = np.fromiter((t not in vocab for t in self.types), dtype=bool, count=n)
        return Encoded(seq, unit_start, targets, oov_type[self.ids[targets]])


def compiled_tokens(text: str, mode: Mode, tokenizer: Tokenizer) -> TypeTokens | None:
    """The C path's tokens, or None where it does not apply: extension not built or disabled,
    a tokenizer other than ``word``, nothing to score (Python raises), or lone surrogates."""
    fc = compiled()
    if fc is None or tokenizer is not word_tokenize:
        return None
    sentence = mode == "sentence"
    # at most (len + 1) // 2 tokens (each is followed by whitespace but the last); a sentence
    # adds <s> and </s>, so at most 3 positions per token. Pages are only used where written.
    ids = np.empty((3 if sentence else 1) * ((len(text) + 1) // 2), dtype=np.int32)
    out = fc.tokenize(text, BOS, EOS, ids) if sentence else fc.tokenize(text, None, None, ids)
    if out is None:
        return None
    types, counts, n_ids, lens = out
    if n_ids < (1 if sentence else 2):
        return None
    return TypeTokens(types, np.frombuffer(counts, dtype=np.int64), ids[:n_ids],
                      np.frombuffer(lens, dtype=np.int64))


def tokenize_text(text: str, mode: Mode, tokenizer: Tokenizer) -> Tokens:
    """The text's units under ``mode``, by the C path where it applies, else in Python."""
    fast = compiled_tokens(text, mode, tokenizer)
    return fast if fast is not None else UnitTokens(units(text, mode, tokenizer))
