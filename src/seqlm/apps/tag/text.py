"""The words of tagged sentences as plain text (one sentence a line): an LM's training text."""

from __future__ import annotations

from collections.abc import Sequence

from seqlm.apps.tag.sentences import Sentence


def sentences_text(sentences: Sequence[Sentence], lower: bool = False) -> str:
    """Words joined by spaces, one sentence a line (lower-cased for a word LM's vocabulary)."""
    lines = (" ".join(s.words) for s in sentences)
    return "".join((line.lower() if lower else line) + "\n" for line in lines)
