"""Fast vocabulary building and encoding for large corpora (C-level counting and mapping)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import repeat
from operator import itemgetter

import numpy as np

from seqlm.data.conventions import BOS, EOS
from seqlm.data.vocab import UNK, Vocab


def build_vocab(flat: Sequence[str], reserved: Sequence[str] = ()) -> Vocab:
    """The same Vocab as ``Vocab(flat, reserved_tokens=reserved)``, built without per-token
    Python generators (index 0 <unk>, then reserved, then by falling frequency, ties by token)."""
    return vocab_from_counts(Counter(flat).items(), reserved)


def vocab_from_counts(counts: Iterable[tuple[str, int]], reserved: Sequence[str] = ()) -> Vocab:
    """The Vocab of a text given each distinct token with its count (see ``build_vocab``)."""
    freqs = sorted(counts)  # by token (tokens are distinct), then stably by falling count
    freqs.sort(key=itemgetter(1), reverse=True)
    head = [UNK] + [t for t in reserved if t != UNK]
    seen = set(head)
    itos = head + [t for t, _ in freqs if t not in seen]
    return Vocab.from_dict({
        "format": "seqlm.vocab/1", "idx_to_token": itos, "unk": UNK, "min_freq": 1,
        "reserved_tokens": list(reserved), "token_freqs": [[t, f] for t, f in freqs],
    })


def encode(vocab: Vocab, flat: Sequence[str]) -> np.ndarray:
    """Tokens -> int64 ids with unknown tokens mapped to ``<unk>`` (same as ``vocab.encode``)."""
    get = vocab.token_to_idx.get
    return np.fromiter(map(get, flat, repeat(vocab.unk)), dtype=np.int64, count=len(flat))


def lmplz_ranks(first: np.ndarray, vocab: Vocab) -> np.ndarray:
    """lmplz's word ids from each word's first position (-1: absent): see ``_lmplz_ids``."""
    words = np.nonzero(first >= 0)[0]
    rank = np.full(len(vocab), -1, dtype=np.int64)
    rank[words[np.argsort(first[words], kind="stable")]] = np.arange(len(words))
    for j, tok in enumerate((vocab.unk_token, BOS, EOS)):
        if tok in vocab:
            rank[vocab.index(str(tok))] = j - 3
    return rank
