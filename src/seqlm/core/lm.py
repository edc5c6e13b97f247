"""The language-model contract: one method, ``token_logprobs(text)``, and the verbs built on it.

A model that returns the natural log-probability of every predicted token of
:func:`seqlm.data.conventions.units` gets ``score`` (log10 of the text, as KenLM),
``full_scores``, ``perplexity`` and ``compare`` from :class:`LanguageModel`, with one result
class, so an n-gram model, an RNN and a mixture of the two report directly comparable figures.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from seqlm.core.results import LN10, Perplexity
from seqlm.data.conventions import Mode, Unit, units
from seqlm.data.tokenize import Tokenizer
from seqlm.data.vocab import Vocab


def as_text(corpus: str | Iterable[str]) -> str:
    """A text, or an iterable of sentences/lines joined by newlines."""
    return corpus if isinstance(corpus, str) else "\n".join(corpus)


def oov_flags(scored: Sequence[Unit], vocab: Vocab) -> np.ndarray:
    """True for each predicted token the vocabulary does not know (it is scored as <unk>).

    A literal ``<unk>`` in the text (PTB has many) is an ordinary word.
    """
    return np.array([t not in vocab for u in scored for t in u.targets], dtype=bool)


@dataclass(frozen=True)
class TokenScores:
    """Per predicted token: natural-log probability, history length used + 1, is OOV."""

    logprob: np.ndarray
    length: np.ndarray
    oov: np.ndarray


class LanguageModel(ABC):
    """Base of every language model: implement ``token_logprobs``; set ``vocab``, ``mode``,
    ``tokenizer`` and, for models whose scores are not probabilities, ``proper = False``."""

    vocab: Vocab
    mode: Mode
    tokenizer: str | Tokenizer
    proper: bool = True  # scores are probabilities (False for stupid-backoff-like scores)

    @abstractmethod
    def token_logprobs(self, text: str) -> np.ndarray:
        """Natural log-probability of every predicted token of ``units(text, mode, tokenizer)``."""

    def units(self, corpus: str | Iterable[str]) -> list[Unit]:
        """The scored units of a text (a string, or an iterable of sentences/lines)."""
        return units(as_text(corpus), self.mode, self.tokenizer)

    def token_scores(self, text: str | Iterable[str]) -> TokenScores:
        """Log-probabilities with history lengths and OOV flags. A recurrent model sees the
        whole history of its unit (length = tokens seen, ``<s>`` included, + 1); an n-gram
        model overrides this with the n-gram length it used (KenLM's)."""
        text = as_text(text)
        scored = self.units(text)
        lengths = [len(u.context) + j + 1 for u in scored for j in range(len(u.targets))]
        return TokenScores(np.asarray(self.token_logprobs(text), dtype=np.float64),
                           np.array(lengths, dtype=np.int64), oov_flags(scored, self.vocab))

    def score(self, sentence: str) -> float:
        """log10 probability of the text (sentence mode: with </s>, from <s>; as KenLM)."""
        return float(np.sum(self.token_logprobs(sentence)) / LN10)

    def full_scores(self, sentence: str) -> list[tuple[float, int, bool]]:
        """Per predicted token: (log10 probability, history length + 1, is OOV), like KenLM."""
        s = self.token_scores(sentence)
        return [(float(p / LN10), int(n), bool(o))
                for p, n, o in zip(s.logprob, s.length, s.oov, strict=True)]

    def perplexity(self, corpus: str | Iterable[str]) -> Perplexity:
        """Corpus-level perplexity (not a mean of per-sentence values), with OOV accounting."""
        s = self.token_scores(corpus)
        return Perplexity.from_logprobs(s.logprob, s.oov, proper=self.proper)

    def compare(self, sentences: Sequence[str]) -> list[tuple[str, float]]:
        """Rank sentences by total log10 probability, most probable first (the seed's example:
        'to recognize speech' vs 'to wreck a nice beach')."""
        scored = [(s, self.score(s)) for s in sentences]
        return sorted(scored, key=lambda sv: -sv[1])
