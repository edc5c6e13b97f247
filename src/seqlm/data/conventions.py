"""Scoring conventions shared by every language model, so perplexities compare across models.

Sentence mode (default for word models, as KenLM): each non-empty line is a sentence;
``<s>`` is context only (never predicted), every token and a final ``</s>`` are predicted.
Stream mode (for characters): the text is one long sequence; the first token is context only
and every later token is predicted.
Out-of-vocabulary tokens are mapped to ``<unk>`` by the model's vocabulary and still predicted
(perplexity is reported including and excluding them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from seqlm.data.tokenize import Tokenizer, get_tokenizer
from seqlm.errors import ConfigError, DataError

BOS = "<s>"
EOS = "</s>"
Mode = Literal["sentence", "stream"]


@dataclass(frozen=True)
class Unit:
    """One scored sequence: ``context`` is given, each of ``targets`` is predicted in order."""

    context: list[str]
    targets: list[str]


def check_mode(mode: str) -> Mode:
    """Validate a mode name."""
    if mode not in ("sentence", "stream"):
        raise ConfigError(f"unknown mode {mode!r}; use sentence or stream")
    return mode  # type: ignore[return-value]


def units(text: str, mode: Mode = "sentence", tokenizer: str | Tokenizer = "word") -> list[Unit]:
    """Split text into the sequences a model scores under ``mode``."""
    fn = get_tokenizer(tokenizer) if isinstance(tokenizer, str) else tokenizer
    if check_mode(mode) == "sentence":
        out = [Unit([BOS], [*toks, EOS]) for line in text.splitlines() if (toks := fn(line))]
    else:
        toks = fn(text)
        out = [Unit(toks[:1], toks[1:])] if len(toks) >= 2 else []
    if not out:
        raise DataError("nothing to score: the text has no tokens (stream mode needs two)")
    return out
