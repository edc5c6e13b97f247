"""seqlm.apps.tag -- part-of-speech (or any per-token) tagging with a word + character BiRNN.

    from seqlm.apps.tag import load_tagged, tag_data, train_tagger, evaluate_tagger
    train = load_tagged("ud-en-ewt", "train")           # CoNLL-U, UPOS column
    data = tag_data(train, load_tagged("ud-en-ewt", "dev"))
    model, result = train_tagger({"hidden": 128}, data, TrainConfig(optimizer="adam", lr=2e-3))
    evaluate_tagger(model, data.vocabs, load_tagged("ud-en-ewt", "test")).accuracy
"""

from seqlm.apps.tag.data import load_tagged, parse_tagged
from seqlm.apps.tag.evaluate import TagScores, score_tags
from seqlm.apps.tag.model import Tagger, TaggerConfig
from seqlm.apps.tag.sentences import Sentence, split_sentence
from seqlm.apps.tag.train import (
    TagData,
    evaluate_tagger,
    load_tagger,
    predict,
    tag_data,
    train_tagger,
)
from seqlm.apps.tag.vocab import TagVocabs

__all__ = [
    "Sentence",
    "TagData",
    "TagScores",
    "TagVocabs",
    "Tagger",
    "TaggerConfig",
    "evaluate_tagger",
    "load_tagged",
    "load_tagger",
    "parse_tagged",
    "predict",
    "score_tags",
    "split_sentence",
    "tag_data",
    "train_tagger",
]
