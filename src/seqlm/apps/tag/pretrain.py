"""Start a tagger from a language model trained by ``seqlm rnn train`` (pretraining transfer).

A character-level LM (``--level char``) of the same cell and sizes as the tagger's spelling
encoder (``--model lstm --embed 32 --hidden 64`` for the defaults) initialises the encoder's
left-to-right direction: its character embedding (rows mapped by character; characters the LM
never saw keep their fresh start; the word marks ``<w>``, ``</w>`` start as the LM's space) and
its recurrent weights. A word-level LM (``--level word``)
with ``--embed`` equal to the tagger's word embedding initialises the word embedding, rows mapped
by word (the tagger's words are lower-cased: train the LM on lower-cased text to map them all).
Both go through :func:`seqlm.apps.common.init_from_lm` / ``copy_mapped``.
"""

from __future__ import annotations

import os
from typing import Any

import torch

from seqlm.apps.common import init_from_lm
from seqlm.apps.common.transfer import Transfer, copy_mapped
from seqlm.apps.tag.model import Tagger
from seqlm.apps.tag.vocab import BOW, EOW, TagVocabs
from seqlm.errors import ConfigError


def embedding_row(lm_model: torch.nn.Module, index: int) -> torch.Tensor:
    """Row ``index`` of an LM's input embedding."""
    embedding: Any = getattr(lm_model, "embedding", None)
    if embedding is None:
        raise ConfigError("the language model has no input embedding (trained with --embed 0)")
    return embedding.weight[index]


@torch.no_grad()
def init_tagger_from_lm(model: Tagger, vocabs: TagVocabs, checkpoint: str | os.PathLike[str]
                        ) -> str:
    """Copy an LM checkpoint into the tagger (see the module docstring); returns a summary."""
    from seqlm.apps.lm import load_lm

    lm, ckpt = load_lm(checkpoint)
    level = (ckpt.get("extra") or {}).get("level")
    if level == "char":
        report = init_from_lm(model.chars, checkpoint, vocabs.chars, "forward")
        if " " in lm.vocab:  # in running text a space is what comes before and after a word
            first: Any = model.chars.forward_stack[0]
            table = first.embedding.weight
            for mark in (BOW, EOW):
                table[vocabs.chars.index(mark)] = embedding_row(lm.model, lm.vocab.index(" "))
        return f"spelling encoder (forward) from the char LM: {report.summary()}; " \
               f"{BOW} and {EOW} start as the LM's space"
    embedding: Any = getattr(lm.model, "embedding", None)
    if embedding is None or embedding.weight.shape[1] != model.cfg.word_embed:
        width = None if embedding is None else embedding.weight.shape[1]
        raise ConfigError(f"the word LM's embedding size {width} differs from the tagger's "
                          f"word embedding {model.cfg.word_embed}; train the LM with --embed "
                          f"{model.cfg.word_embed}")
    mapped, fresh = copy_mapped(embedding.weight, model.embedding.weight, 0, lm.vocab,
                                vocabs.words)
    report = Transfer(mapped, fresh, ["embedding.weight"])
    return f"word embedding from the word LM: {report.summary()}"
