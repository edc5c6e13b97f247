"""The tagger's three vocabularies: words (lower-cased), characters (as written), tags.

Words are looked up lower-cased so that ``The`` and ``the`` share an embedding; the characters
keep the case, which is what tells a proper noun or a sentence start from the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from seqlm.apps.tag.sentences import Sentence
from seqlm.data import Vocab
from seqlm.errors import DataError

PAD = "<pad>"
BOW, EOW = "<w>", "</w>"  # begin / end of a word for the character RNN
IGNORE = -100  # target id of a padded position: no loss, no count


@dataclass
class TagVocabs:
    """Word, character and tag indices, saved in the checkpoint as plain dicts."""

    words: Vocab
    chars: Vocab
    tags: tuple[str, ...]

    @classmethod
    def build(cls, sentences: Sequence[Sentence], min_freq: int = 1,
              extra_tags: Sequence[str] = ()) -> TagVocabs:
        """Vocabularies of a training corpus; tags (with ``extra_tags``, e.g. the validation
        data's) sorted by name, a stable order."""
        words = Vocab((w.lower() for s in sentences for w in s.words), min_freq=min_freq,
                      reserved_tokens=[PAD])
        chars = Vocab((c for s in sentences for w in s.words for c in w),
                      reserved_tokens=[PAD, BOW, EOW])
        tags = tuple(sorted({t for s in sentences for t in s.tags} | set(extra_tags)))
        if not tags:
            raise DataError("the training data has no tags")
        return cls(words, chars, tags)

    @property
    def tag_index(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.tags)}

    def word_ids(self, words: Sequence[str]) -> list[int]:
        return [self.words.index(w.lower()) for w in words]

    def char_ids(self, word: str) -> list[int]:
        """``<w>`` c_1 ... c_n ``</w>``; unseen characters map to ``<unk>``."""
        return [self.chars.index(BOW), *(self.chars.index(c) for c in word),
                self.chars.index(EOW)]

    def tag_ids(self, tags: Sequence[str], origin: str = "the data") -> list[int]:
        """Tag ids; a tag the model was not trained on is a DataError naming it."""
        index = self.tag_index
        unknown = sorted({t for t in tags if t not in index})
        if unknown:
            raise DataError(f"{origin} has tag(s) the model does not know: "
                            f"{', '.join(unknown[:5])} (known: {', '.join(self.tags)})")
        return [index[t] for t in tags]

    def word_counts(self) -> list[int]:
        """Training count of each word id (0 for ``<unk>`` and ``<pad>``)."""
        freq = dict(self.words.token_freqs)
        return [freq.get(w, 0) if i >= 2 else 0 for i, w in enumerate(self.words.idx_to_token)]

    def to_dict(self) -> dict[str, Any]:
        return {"words": self.words.to_dict(), "chars": self.chars.to_dict(),
                "tags": list(self.tags)}

    @classmethod
    def from_dict(cls, d: Any) -> TagVocabs:
        if not isinstance(d, dict) or not {"words", "chars", "tags"} <= set(d):
            raise DataError("not a tagger vocabulary (needs words, chars, tags)")
        tags = d["tags"]
        if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
            raise DataError("the tagger's tag list must be a non-empty list of strings")
        return cls(Vocab.from_dict(d["words"]), Vocab.from_dict(d["chars"]), tuple(tags))
