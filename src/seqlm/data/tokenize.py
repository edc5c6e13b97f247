"""Tokenisers: text -> list of tokens. Register new ones with :func:`register_tokenizer`."""

from __future__ import annotations

import importlib
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
    """Look up a tokenizer by name; ``"package.module:function"`` imports one (CLI included).

    Importing the module may also register names itself (``register_tokenizer`` at import).
    """
    if name in _TOKENIZERS:
        return _TOKENIZERS[name]
    if ":" in name:
        return _import_tokenizer(name)
    raise ConfigError(
        f"unknown tokenizer {name!r}; choose one of {', '.join(sorted(_TOKENIZERS))} "
        f"or give module:function"
    )


def _import_tokenizer(spec: str) -> Tokenizer:
    """Import ``module:function`` and register it under that spec (so saved models find it)."""
    module_name, _, attr = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"tokenizer {spec!r}: cannot import {module_name!r} ({exc})") from None
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise ConfigError(f"tokenizer {spec!r}: {module_name} has no function {attr!r}")
    register_tokenizer(spec, fn)
    return fn


def tokenizer_names() -> list[str]:
    """Names of all registered tokenizers."""
    return sorted(_TOKENIZERS)


def tokenize_lines(lines: list[str], tokenizer: str | Tokenizer = "word") -> list[list[str]]:
    """Tokenise each line separately (sentence mode keeps line boundaries)."""
    fn = get_tokenizer(tokenizer) if isinstance(tokenizer, str) else tokenizer
    return [fn(line) for line in lines]
