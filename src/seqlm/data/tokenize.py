"""Tokenisers: text -> list of tokens. Register new ones with :func:`register_tokenizer`."""

from __future__ import annotations

from collections.abc import Callable

from seqlm.errors import ConfigError

Tokenizer = Callable[[str], list[str]]


def char_tokenize(text: str) -> list[str]:
    """One token per Unicode code point (works for any script, e.g. Chinese)."""
    return list(text)


def word_tokenize(text: str) -> list[str]:
    """Split on runs of whitespace; newlines are separators, not tokens."""
    return text.split()


_TOKENIZERS: dict[str, Tokenizer] = {"char": char_tokenize, "word": word_tokenize}


def register_tokenizer(name: str, fn: Tokenizer) -> None:
    """Make ``fn`` available by ``name`` everywhere a tokenizer name is accepted (CLI too)."""
    _TOKENIZERS[name] = fn


def get_tokenizer(name: str) -> Tokenizer:
    """Look up a tokenizer by name."""
    try:
        return _TOKENIZERS[name]
    except KeyError:
        raise ConfigError(
            f"unknown tokenizer {name!r}; choose one of {', '.join(sorted(_TOKENIZERS))}"
        ) from None


def tokenizer_names() -> list[str]:
    """Names of all registered tokenizers."""
    return sorted(_TOKENIZERS)


def tokenize_lines(lines: list[str], tokenizer: str | Tokenizer = "word") -> list[list[str]]:
    """Tokenise each line separately (sentence mode keeps line boundaries)."""
    fn = get_tokenizer(tokenizer) if isinstance(tokenizer, str) else tokenizer
    return [fn(line) for line in lines]
