"""Tagged sentences and the simple ``token<TAB>tag`` format (a blank line between sentences)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from seqlm.errors import DataError


@dataclass(frozen=True)
class Sentence:
    """A sentence's words and their tags (the same length; tags empty when unknown)."""

    words: tuple[str, ...]
    tags: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.words)


def blocks(lines: Iterable[str]) -> Iterator[list[tuple[int, str]]]:
    """The blank-line-separated blocks of ``lines``: lists of (line number, line without its
    end-of-line), the shared outer loop of both formats."""
    block: list[tuple[int, str]] = []
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def parse_tsv(lines: Iterable[str], origin: str = "input") -> list[Sentence]:
    """Sentences of ``token<TAB>tag`` lines; a blank line ends a sentence."""
    sentences: list[Sentence] = []
    for block in blocks(lines):
        words, tags = [], []
        for number, line in block:
            parts = line.split("\t")
            if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
                raise DataError(f"{origin} line {number}: expected 'token<TAB>tag', "
                                f"got {line[:60]!r}")
            words.append(parts[0].strip())
            tags.append(parts[1].strip())
        sentences.append(Sentence(tuple(words), tuple(tags)))
    return sentences


def split_sentence(text: str) -> Sentence:
    """A raw sentence for prediction: whitespace-separated tokens (already tokenised text)."""
    words = tuple(text.split())
    if not words:
        raise DataError("the sentence is empty")
    return Sentence(words)
