"""Minibatches of tagged sentences: padded word ids with lengths, each distinct word's characters.

A batch is a dict of tensors:
``words`` (B, T) word ids, padded; ``lengths`` (B,); ``tags`` (B, T), padding = IGNORE;
``chars`` (U, L) the characters of the U distinct word forms of the batch (``<w> ... </w>``),
padded; ``char_lengths`` (U,); ``form_index`` (B, T): which row of ``chars`` each word is.
The character RNN runs once per distinct form, not once per token.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from seqlm.apps.tag.sentences import Sentence
from seqlm.apps.tag.vocab import IGNORE, TagVocabs
from seqlm.errors import ConfigError, require_int


@dataclass(frozen=True)
class Encoded:
    """A sentence as ids: word ids, its forms (for the characters), tag ids (or empty)."""

    word_ids: tuple[int, ...]
    forms: tuple[str, ...]
    tag_ids: tuple[int, ...]


def encode(sentences: Sequence[Sentence], vocabs: TagVocabs, with_tags: bool = True,
           origin: str = "the data") -> list[Encoded]:
    """Sentences -> ids; with ``with_tags`` an unknown tag is a DataError naming it."""
    out = []
    for s in sentences:
        tags = tuple(vocabs.tag_ids(s.tags, origin)) if with_tags else ()
        out.append(Encoded(tuple(vocabs.word_ids(s.words)), s.words, tags))
    return out


def _pad(rows: Sequence[Sequence[int]], fill: int) -> torch.Tensor:
    width = max(len(r) for r in rows)
    out = torch.full((len(rows), width), fill, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r, dtype=torch.long)
    return out


def collate(items: Sequence[Encoded], vocabs: TagVocabs) -> dict[str, torch.Tensor]:
    """One padded batch (see the module docstring) from encoded sentences."""
    pad_word, pad_char = vocabs.words.index("<pad>"), vocabs.chars.index("<pad>")
    distinct: dict[str, int] = {}
    index = [[distinct.setdefault(f, len(distinct)) for f in e.forms] for e in items]
    chars = [vocabs.char_ids(f) for f in distinct]
    batch = {
        "words": _pad([e.word_ids for e in items], pad_word),
        "lengths": torch.tensor([len(e.word_ids) for e in items], dtype=torch.long),
        "form_index": _pad(index, 0),
        "chars": _pad(chars, pad_char),
        "char_lengths": torch.tensor([len(c) for c in chars], dtype=torch.long),
    }
    if all(e.tag_ids for e in items):
        batch["tags"] = _pad([e.tag_ids for e in items], IGNORE)
    return batch


class TagBatches:
    """Sentence minibatches; with ``shuffle`` a new seeded order every epoch.

    Shuffled order: sentences are shuffled, cut into pools of ``pool`` batches, each pool sorted
    by length (little padding), and the batches shuffled again. The generator's state is
    checkpointed (``state_dict``), so a resumed run sees the same batches.
    """

    carries_state = False

    def __init__(self, data: Sequence[Encoded], vocabs: TagVocabs, batch_size: int = 32,
                 shuffle: bool = True, seed: int = 0, pool: int = 50) -> None:
        require_int("batch size", batch_size)
        if not data:
            raise ConfigError("no sentences to batch")
        self.data, self.vocabs = list(data), vocabs
        self.batch_size, self.shuffle, self.pool = batch_size, shuffle, pool
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return -(-len(self.data) // self.batch_size)

    def order(self) -> list[list[int]]:
        """The batches of one epoch as lists of sentence indices."""
        n, b = len(self.data), self.batch_size
        if not self.shuffle:
            return [list(range(i, min(i + b, n))) for i in range(0, n, b)]
        perm = self.rng.permutation(n).tolist()
        batches: list[list[int]] = []
        for start in range(0, n, b * self.pool):
            chunk = sorted(perm[start:start + b * self.pool], key=lambda i: len(self.data[i]
                                                                                .word_ids))
            batches += [chunk[i:i + b] for i in range(0, len(chunk), b)]
        return [batches[i] for i in self.rng.permutation(len(batches)).tolist()]

    def __iter__(self) -> Iterator[dict[str, torch.Tensor]]:
        for idx in self.order():
            yield collate([self.data[i] for i in idx], self.vocabs)

    def state_dict(self) -> dict[str, object]:
        return {"bit_generator": self.rng.bit_generator.state}

    def load_state_dict(self, state: dict[str, object]) -> None:
        self.rng.bit_generator.state = state["bit_generator"]  # type: ignore[assignment]
