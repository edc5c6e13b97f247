"""Text pipeline: reading, normalising, tokenising, vocabularies, batching and datasets."""

from seqlm.data.batching import SeqDataLoader, random_batches, sequential_batches
from seqlm.data.corpus import load_names, load_pairs, load_text, text_corpus
from seqlm.data.dataset import DATASETS, DataFile, Dataset, register_dataset
from seqlm.data.registry import REGISTRY, cache_dir, dataset_path, fetch, get_dataset, is_cached
from seqlm.data.stats import CorpusStats, corpus_stats, ngram_counts, zipf_plot
from seqlm.data.text import normalise, read_text
from seqlm.data.tokenize import char_tokenize, get_tokenizer, register_tokenizer, word_tokenize
from seqlm.data.vocab import UNK, Vocab

__all__ = [
    "DATASETS",
    "REGISTRY",
    "UNK",
    "CorpusStats",
    "DataFile",
    "Dataset",
    "SeqDataLoader",
    "Vocab",
    "cache_dir",
    "char_tokenize",
    "corpus_stats",
    "dataset_path",
    "fetch",
    "get_dataset",
    "get_tokenizer",
    "is_cached",
    "load_names",
    "load_pairs",
    "load_text",
    "ngram_counts",
    "normalise",
    "random_batches",
    "read_text",
    "register_dataset",
    "register_tokenizer",
    "sequential_batches",
    "text_corpus",
    "word_tokenize",
    "zipf_plot",
]
