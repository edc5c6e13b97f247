"""Counting n-gram language models (seed section 2), from the MLE to modified Kneser-Ney."""

from seqlm.ngram.arpa import read_arpa, write_arpa
from seqlm.ngram.binary import load_model, save_model
from seqlm.ngram.files import load, save
from seqlm.ngram.model import NgramLM
from seqlm.ngram.results import Perplexity

__all__ = ["NgramLM", "Perplexity", "load", "load_model", "read_arpa", "save", "save_model",
           "write_arpa"]
