"""Vocabulary: tokens <-> indices, sorted by frequency (ties: alphabetical), saved as JSON."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np

from seqlm.errors import ConfigError, DataError
from seqlm.io import atomic_write

UNK = "<unk>"
_FORMAT = "seqlm.vocab/1"


def _flatten(tokens: Iterable[Any]) -> Iterable[str]:
    for t in tokens:
        if isinstance(t, str):
            yield t
        else:
            yield from _flatten(t)


class Vocab:
    """Index 0 is ``<unk>`` (if enabled), then reserved tokens, then tokens by falling frequency.

    Tokens seen fewer than ``min_freq`` times are left out and map to ``<unk>``.
    Ties in frequency are broken by the token's code points, so the order is deterministic.
    """

    def __init__(
        self,
        tokens: Iterable[Any] = (),
        min_freq: int = 1,
        reserved_tokens: Sequence[str] = (),
        unk: str | None = UNK,
    ) -> None:
        if min_freq < 0:
            raise ConfigError(f"min_freq must be >= 0, got {min_freq}")
        counter = Counter(_flatten(tokens))
        self.token_freqs: list[tuple[str, int]] = sorted(
            counter.items(), key=lambda kv: (-kv[1], kv[0])
        )
        self.unk_token = unk
        head = ([unk] if unk is not None else []) + [t for t in reserved_tokens if t != unk]
        if len(set(head)) != len(head):
            raise ConfigError("reserved tokens must be distinct")
        seen = set(head)
        body = [t for t, f in self.token_freqs if f >= max(min_freq, 1) and t not in seen]
        self._build(head + body)
        self.min_freq = min_freq
        self.reserved_tokens = list(reserved_tokens)

    def _build(self, idx_to_token: list[str]) -> None:
        self.idx_to_token = idx_to_token
        self.token_to_idx = {t: i for i, t in enumerate(idx_to_token)}

    # ----- lookups
    def __len__(self) -> int:
        return len(self.idx_to_token)

    def __contains__(self, token: object) -> bool:
        return token in self.token_to_idx

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and (
            self.idx_to_token == other.idx_to_token and self.unk_token == other.unk_token
        )

    def __hash__(self) -> int:
        return hash((tuple(self.idx_to_token), self.unk_token))

    def __repr__(self) -> str:
        return f"Vocab(size={len(self)}, unk={self.unk_token!r})"

    @property
    def unk(self) -> int:
        """Index of the unknown token (raises if this vocabulary has none)."""
        if self.unk_token is None:
            raise ConfigError("this vocabulary has no <unk> token")
        return self.token_to_idx[self.unk_token]

    def index(self, token: str) -> int:
        """Index of one token; unknown tokens map to ``<unk>`` (or raise DataError without it)."""
        idx = self.token_to_idx.get(token)
        if idx is not None:
            return idx
        if self.unk_token is None:
            raise DataError(f"token {token!r} is not in the vocabulary")
        return self.token_to_idx[self.unk_token]

    @overload
    def __getitem__(self, tokens: str) -> int: ...  # type: ignore[overload-overlap]
    @overload
    def __getitem__(self, tokens: Sequence[str]) -> list[int]: ...
    def __getitem__(self, tokens: str | Sequence[str]) -> int | list[int]:
        if isinstance(tokens, str):
            return self.index(tokens)
        return [self.index(t) for t in tokens]

    def encode(self, tokens: Iterable[str]) -> np.ndarray:
        """Tokens -> int64 array of indices."""
        get = self.token_to_idx.get
        if self.unk_token is None:
            return np.fromiter((self.index(t) for t in tokens), dtype=np.int64)
        u = self.token_to_idx[self.unk_token]
        return np.fromiter((get(t, u) for t in tokens), dtype=np.int64)

    def to_tokens(self, indices: int | Iterable[int]) -> str | list[str]:
        """Indices -> tokens (one index gives one token)."""
        if isinstance(indices, int | np.integer):
            return self.idx_to_token[int(indices)]
        return [self.idx_to_token[int(i)] for i in indices]

    def decode(self, indices: Iterable[int], sep: str = "") -> str:
        """Indices -> text joined by ``sep`` ("" for characters, " " for words)."""
        return sep.join(self.idx_to_token[int(i)] for i in indices)

    # ----- persistence
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description that :meth:`from_dict` restores exactly."""
        return {
            "format": _FORMAT,
            "idx_to_token": self.idx_to_token,
            "unk": self.unk_token,
            "min_freq": self.min_freq,
            "reserved_tokens": self.reserved_tokens,
            "token_freqs": [[t, f] for t, f in self.token_freqs],
        }

    @classmethod
    def from_dict(cls, data: Any) -> Vocab:
        """Rebuild a vocabulary from :meth:`to_dict` output, validating its shape."""
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise DataError("not a seqlm vocabulary (missing or wrong 'format')")
        itos = data.get("idx_to_token")
        unk = data.get("unk")
        if not isinstance(itos, list) or not all(isinstance(t, str) for t in itos):
            raise DataError("vocabulary 'idx_to_token' must be a list of strings")
        if len(set(itos)) != len(itos):
            raise DataError("vocabulary has duplicate tokens")
        if unk is not None and (not isinstance(unk, str) or unk not in itos):
            raise DataError("vocabulary 'unk' must be one of its tokens or null")
        v = cls.__new__(cls)
        v.unk_token = unk
        v.min_freq = int(data.get("min_freq", 1))
        v.reserved_tokens = list(data.get("reserved_tokens", []))
        freqs = data.get("token_freqs", [])
        v.token_freqs = [(str(t), int(f)) for t, f in freqs]
        v._build(list(itos))
        return v

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write as JSON, atomically (never pickle)."""
        with atomic_write(path) as fh:
            json.dump(self.to_dict(), fh, ensure_ascii=False)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Vocab:
        """Read a vocabulary written by :meth:`save`."""
        p = Path(path)
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataError(f"no such file: {p}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataError(f"{p} is not a JSON vocabulary: {exc}") from None
        return cls.from_dict(data)
