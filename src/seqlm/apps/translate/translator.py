"""A trained translation model ready to use: load a checkpoint, translate, score a test set.

Sentences are tokenised as in training; unknown source words become ``<unk>`` (never dropped;
:attr:`Translation.unknown` lists them). A sentence with no tokens is a DataError, so is one
longer than ``max_source`` tokens (the model was trained on sentences of tens of words; the
limit keeps a pasted book from running for hours). References are read with the target's
tokenizer and joined back the same way as the output, so both sides are normalised alike.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from seqlm.apps.common import pad_batch
from seqlm.apps.translate.data import DataConfig, Vocabs
from seqlm.apps.translate.metrics import Scores, bleu_tokenize, corpus_scores
from seqlm.apps.translate.model import MODELS, Seq2Seq
from seqlm.apps.translate.pairs import Pair
from seqlm.apps.translate.search import Hypothesis, SearchConfig, beam_search, greedy
from seqlm.apps.translate.tokenize import joiner
from seqlm.apps.translate.train import RunConfig
from seqlm.errors import ConfigError, DataError, first_line
from seqlm.progress import progress_bar
from seqlm.train import CheckpointError, load_checkpoint, resolve_device
from seqlm.train.average import load_averaged

MAX_SOURCE = 256


@dataclass
class Translation:
    """One source sentence's tokens (as the model reads them), its unknown words, the output
    tokens and text, the log-probability and attention (output steps x source tokens)."""

    source_tokens: list[str]
    unknown: list[str]
    tokens: list[str]
    text: str
    logprob: float
    attention: torch.Tensor | None


class Translator:
    """A :class:`Seq2Seq` with its vocabularies and data settings, in evaluation mode."""

    def __init__(self, model: Seq2Seq, vocabs: Vocabs, data: DataConfig,
                 max_source: int = MAX_SOURCE) -> None:
        self.model = model.eval()
        self.vocabs, self.data, self.max_source = vocabs, data, max_source
        self.banned = [vocabs.pad, vocabs.bos, vocabs.tgt.unk]

    @classmethod
    def load(cls, path: str | os.PathLike[str], device: str = "cpu") -> Translator:
        """Rebuild from a checkpoint of ``seqlm translate train`` (``best.pt`` or ``last.pt``)."""
        dev = resolve_device(device)
        ckpt = load_checkpoint(path, map_location=dev)
        run = RunConfig.from_dict(ckpt.get("extra"))
        try:
            vocabs = Vocabs.from_dict(ckpt.get("vocab"))
            saved = dict(ckpt["model_config"])
            model = MODELS.build(str(saved.pop("kind", "seq2seq")), saved)
            model.load_state_dict(ckpt["model_state"])
            load_averaged(model, ckpt)  # the weights validation chose, when averaged
        except (RuntimeError, KeyError, ValueError, TypeError, DataError, ConfigError) as exc:
            raise CheckpointError(f"{path} does not rebuild its model: {first_line(exc)}") from None
        return cls(model.to(dev), vocabs, run.data)

    # ------------------------------------------------------------------ reading
    def source_ids(self, sentence: str) -> tuple[list[str], list[str], torch.Tensor]:
        """(tokens, unknown tokens, ids with <eos>) of one source sentence."""
        tokens = self.data.tokens("src", sentence)
        if not tokens:
            raise DataError("nothing to translate: the sentence has no tokens")
        if len(tokens) > self.max_source:
            raise DataError(f"the sentence has {len(tokens)} tokens; at most "
                            f"{self.max_source} are read (split it into sentences)")
        unknown = [t for t in tokens if t not in self.vocabs.src]
        ids = torch.from_numpy(self.vocabs.encode_source(tokens))
        return tokens, unknown, ids

    def _finish(self, tokens: list[str], unknown: list[str], h: Hypothesis) -> Translation:
        out = self.vocabs.tgt.to_tokens(h.tokens)
        assert isinstance(out, list)
        return Translation([*tokens, "<eos>"], unknown, out,
                           joiner(str(self.data.tgt_tokenizer)).join(out), h.logprob,
                           h.attention)

    # ------------------------------------------------------------------ translating
    @torch.no_grad()
    def translate(self, sentences: Sequence[str], search: SearchConfig | None = None,
                  batch_size: int = 64, progress: bool = False) -> list[Translation]:
        """Translate each sentence (beam search; ``beam=1`` is batched greedy decoding)."""
        search = search or SearchConfig()
        read = [self.source_ids(s) for s in sentences]
        out: list[Translation] = []
        v, dev = self.vocabs, next(self.model.parameters()).device
        with progress_bar(len(read), "translating", progress, unit="sentence") as bar:
            for start in range(0, len(read), batch_size):
                chunk = read[start:start + batch_size]
                src, lens = pad_batch([ids.numpy() for _, _, ids in chunk], v.pad)
                src, lens = src.to(dev), lens.to(dev)
                max_lens = [search.max_len(len(tokens)) for tokens, _, _ in chunk]
                if search.beam == 1:
                    hyps = greedy(self.model, src, lens, v.bos, v.eos, max_lens, self.banned)
                else:
                    hyps = [beam_search(self.model, src[i:i + 1, : int(lens[i])], lens[i:i + 1],
                                        v.bos, v.eos, max_lens[i], search.beam, search.alpha,
                                        self.banned) for i in range(len(chunk))]
                out.extend(self._finish(t, u, h) for (t, u, _), h in zip(chunk, hyps, strict=True))
                bar.update(len(chunk))
        return out

    def reference(self, text: str) -> str:
        """A reference sentence normalised as the output is: target tokens, joined back."""
        return joiner(str(self.data.tgt_tokenizer)).join(self.data.tokens("tgt", text))

    def evaluate(self, pairs: Sequence[Pair], search: SearchConfig | None = None,
                 progress: bool = False) -> tuple[Scores, list[Translation]]:
        """Corpus BLEU and chrF of the translations of every pair's source (no length filter)."""
        if not pairs:
            raise DataError("no sentence pairs to evaluate on")
        hyps = self.translate([s for s, _ in pairs], search, progress=progress)
        refs = [self.reference(t) for _, t in pairs]
        scores = corpus_scores([h.text for h in hyps], refs,
                               bleu_tokenize(str(self.data.tgt_tokenizer)))
        return scores, hyps

