"""Text pipeline: reading, normalising, tokenising, vocabularies, batching and datasets."""

from seqlm.data.batching import SeqDataLoader, random_batches, sequential_batches
from seqlm.data.corpus import load_names, load_pairs, load_text, text_corpus
from seqlm.data.registry import REGISTRY, cache_dir, dataset_path, fetch, get_dataset, is_cached
from seqlm.data.text import normalise, read_text
from seqlm.data.tokenize import char_tokenize, get_tokenizer, register_tokenizer, word_tokenize
from seqlm.data.vocab import UNK, Vocab

__all__ = [
    "REGISTRY",
    "UNK",
    "SeqDataLoader",
    "Vocab",
    "cache_dir",
    "char_tokenize",
    "dataset_path",
    "fetch",
    "get_dataset",
    "get_tokenizer",
    "is_cached",
    "load_names",
    "load_pairs",
    "load_text",
    "normalise",
    "random_batches",
    "read_text",
    "register_tokenizer",
    "sequential_batches",
    "text_corpus",
    "word_tokenize",
]
