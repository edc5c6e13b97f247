"""Encoder-decoder translation (many-to-many, unaligned): data, model, search, training, scores.

Importing it registers the ``en_words`` and ``zh_chars`` tokenizers.
"""

from seqlm.apps.translate.data import DataConfig, Vocabs
from seqlm.apps.translate.metrics import Scores, corpus_scores
from seqlm.apps.translate.model import Seq2Seq, Seq2SeqConfig
from seqlm.apps.translate.pairs import dedupe, parse_pairs, read_pairs, split_pairs
from seqlm.apps.translate.search import SearchConfig, beam_search, greedy
from seqlm.apps.translate.tokenize import en_words, zh_chars
from seqlm.apps.translate.train import RunConfig, resume_translation, train_translation
from seqlm.apps.translate.translator import Translation, Translator

__all__ = [
    "DataConfig",
    "RunConfig",
    "Scores",
    "SearchConfig",
    "Seq2Seq",
    "Seq2SeqConfig",
    "Translation",
    "Translator",
    "Vocabs",
    "beam_search",
    "corpus_scores",
    "dedupe",
    "en_words",
    "greedy",
    "parse_pairs",
    "read_pairs",
    "resume_translation",
    "split_pairs",
    "train_translation",
    "zh_chars",
]
