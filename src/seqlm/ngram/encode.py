"""Text -> the integer arrays the counter and the scorer work on (units back to back)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlm.data.conventions import Unit
from seqlm.data.vocab import Vocab
from seqlm.ngram.vocab_build import encode


@dataclass
class Encoded:
    """Word ids of all units back to back, where each unit starts, and what is predicted."""

    seq: np.ndarray         # int64 word ids
    unit_start: np.ndarray  # int64: start position of the unit holding each position
    targets: np.ndarray     # int64 positions that are predicted, in order
    oov: np.ndarray         # bool per target: the token is not in the vocabulary


def encode_units(units: list[Unit], vocab: Vocab) -> Encoded:
    """Encode units; OOV tokens map to ``<unk>`` (a literal ``<unk>`` is not counted as OOV)."""
    flat: list[str] = []
    lens = np.empty(len(units), dtype=np.int64)
    ctx_lens = np.empty(len(units), dtype=np.int64)
    for i, u in enumerate(units):
        flat += u.context
        flat += u.targets
        lens[i] = len(u.context) + len(u.targets)
        ctx_lens[i] = len(u.context)
    seq = encode(vocab, flat)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64)
    unit_start = np.repeat(starts, lens)
    within = np.arange(len(seq), dtype=np.int64) - unit_start
    targets = np.nonzero(within >= np.repeat(ctx_lens, lens))[0]
    oov = np.zeros(len(targets), dtype=bool)
    if vocab.unk_token is not None:
        unk = vocab.unk
        for j in np.nonzero(seq[targets] == unk)[0]:
            oov[j] = flat[targets[j]] != vocab.unk_token
    return Encoded(seq, unit_start, targets, oov)
