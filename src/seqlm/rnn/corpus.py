"""Training streams that match the scoring conventions, so a model is trained on what it scores.

Stream mode: the text's tokens in order. Sentence mode: every non-empty line as
``<s> w_1 ... w_n </s>``, concatenated; the vocabulary then reserves ``<s>`` and ``</s>``.
"""

from __future__ import annotations

from seqlm.data.conventions import BOS, EOS, Mode, units
from seqlm.data.tokenize import Tokenizer
from seqlm.data.vocab import Vocab


def lm_tokens(text: str, mode: Mode = "sentence", tokenizer: str | Tokenizer = "word") -> list[str]:
    """The token stream to train on: each scored unit's context followed by its targets."""
    return [t for u in units(text, mode, tokenizer) for t in (*u.context, *u.targets)]


def lm_vocab(
    text: str, mode: Mode = "sentence", tokenizer: str | Tokenizer = "word", min_freq: int = 1
) -> Vocab:
    """A vocabulary for :func:`lm_tokens` (with ``<s>``/``</s>`` reserved in sentence mode)."""
    reserved = (BOS, EOS) if mode == "sentence" else ()
    return Vocab(lm_tokens(text, mode, tokenizer), min_freq=min_freq, reserved_tokens=reserved)
