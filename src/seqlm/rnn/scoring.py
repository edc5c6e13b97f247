"""KenLM-style verbs on top of one method, ``token_logprobs(text)``, for any language model.

A model that returns the natural log-probability of every predicted token of
:func:`seqlm.data.conventions.units` gets ``score`` (log10 of the text, as KenLM),
``full_scores``, ``perplexity`` and ``compare`` from :class:`LMVerbs` with the same shapes as
:class:`seqlm.ngram.NgramLM`'s, and the same result class, so an RNN, an n-gram model and a
mixture of the two report directly comparable figures.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from seqlm.data.conventions import Mode, Unit, units
from seqlm.data.tokenize import Tokenizer
from seqlm.data.vocab import Vocab
from seqlm.ngram.results import Perplexity

LN10 = math.log(10.0)


def as_text(corpus: str | Iterable[str]) -> str:
    """A text, or an iterable of sentences/lines joined by newlines (as NgramLM accepts)."""
    return corpus if isinstance(corpus, str) else "\n".join(corpus)


def oov_flags(scored: Sequence[Unit], vocab: Vocab) -> np.ndarray:
    """True for each predicted token the vocabulary does not know (it is scored as <unk>).

    A literal ``<unk>`` in the text (PTB has many) is an ordinary word, as in seqlm.ngram.
    """
    return np.array([t not in vocab for u in scored for t in u.targets], dtype=bool)


class LMVerbs:
    """Mixin: score / full_scores / perplexity / compare from ``token_logprobs``.

    Subclasses set ``vocab``, ``mode`` and ``tokenizer`` and implement ``token_logprobs``.
    """

    vocab: Vocab
    mode: Mode
    tokenizer: str | Tokenizer
    proper = True  # scores are probabilities (False only for stupid-backoff-like scores)

    def token_logprobs(self, text: str) -> np.ndarray:  # pragma: no cover - abstract
        """Natural log-probability of every predicted token of ``text``."""
        raise NotImplementedError

    def units(self, corpus: str | Iterable[str]) -> list[Unit]:
        """The scored units of a text (a string, or an iterable of sentences/lines)."""
        return units(as_text(corpus), self.mode, self.tokenizer)

    def score(self, sentence: str) -> float:
        """log10 probability of the text (sentence mode: with </s>, from <s>; as KenLM)."""
        return float(self.token_logprobs(sentence).sum() / LN10)

    def full_scores(self, sentence: str) -> list[tuple[float, int, bool]]:
        """Per predicted token: (log10 probability, history length + 1, is OOV).

        The middle item mirrors KenLM's n-gram length: a recurrent model conditions on the whole
        history of its unit, so it is the number of tokens seen (``<s>`` included) plus one.
        """
        scored = self.units(sentence)
        lengths = [len(u.context) + j + 1 for u in scored for j in range(len(u.targets))]
        lp = self.token_logprobs(sentence) / LN10
        flags = oov_flags(scored, self.vocab)
        return [(float(p), n, bool(o)) for p, n, o in zip(lp, lengths, flags, strict=True)]

    def perplexity(self, corpus: str | Iterable[str]) -> Perplexity:
        """Corpus-level perplexity (not a mean of per-sentence values), with OOV accounting."""
        text = as_text(corpus)
        flags = oov_flags(self.units(text), self.vocab)
        return Perplexity.from_logprobs(self.token_logprobs(text), flags, proper=self.proper)

    def compare(self, sentences: Sequence[str]) -> list[tuple[str, float]]:
        """Rank sentences by total log10 probability, most probable first (the seed's example:
        'to recognize speech' vs 'to wreck a nice beach')."""
        scored = [(s, self.score(s)) for s in sentences]
        return sorted(scored, key=lambda sv: -sv[1])
