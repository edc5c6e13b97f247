"""A trained recurrent model plus its vocabulary, with the n-gram models' verbs.

Scoring follows :mod:`seqlm.data.conventions`: sentence mode runs every line from a fresh
(zero) state, feeding ``<s>`` and predicting each token and ``</s>``; stream mode runs the whole
text as one sequence, the first token being context only. Unknown tokens map to ``<unk>``
and are still predicted. Generation warms the state up on the prefix first (the book's
``predict``), then feeds back each chosen token.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from seqlm.core.lm import LanguageModel
from seqlm.data.conventions import BOS, EOS, Mode, check_mode, units
from seqlm.data.tokenize import Tokenizer, get_tokenizer
from seqlm.data.vocab import Vocab
from seqlm.errors import ConfigError, DataError, require_int
from seqlm.progress import progress_bar
from seqlm.rnn.base import SequenceModel
from seqlm.rnn.sampling import check_sampling, choose
from seqlm.rnn.state import State


def scoring_bar(steps: int, show: bool) -> Any:
    """A progress bar over ``steps`` forward passes of scoring, shown only if ``show``."""
    return progress_bar(steps, "scoring", show, unit="chunk")


class RNNLM(LanguageModel):
    """Score and generate text with a recurrent model over ``vocab``.

    ``batch_size`` sentences (sorted by length) are scored together; long sequences are run in
    chunks of ``chunk`` steps with the state carried, so a whole corpus fits in memory.
    ``progress``: a progress bar on stderr over those chunks while scoring (off by default).
    """

    progress: bool = False

    def __init__(
        self,
        model: SequenceModel,
        vocab: Vocab,
        mode: Mode = "sentence",
        tokenizer: str | Tokenizer = "word",
        batch_size: int = 32,
        chunk: int = 256,
    ) -> None:
        self.mode = check_mode(mode)
        self.tokenizer = tokenizer
        self._tokenize = get_tokenizer(tokenizer) if isinstance(tokenizer, str) else tokenizer
        if getattr(model, "vocab_size", None) != len(vocab):
            raise ConfigError(
                f"vocabulary mismatch: the model reads {getattr(model, 'vocab_size', None)} "
                f"token ids but the vocabulary has {len(vocab)} tokens"
            )
        if model.output_size != len(vocab):
            raise ConfigError(
                f"vocabulary mismatch: the model predicts {model.output_size} tokens but the "
                f"vocabulary has {len(vocab)}"
            )
        if self.mode == "sentence" and (BOS not in vocab or EOS not in vocab):
            raise ConfigError(
                f"sentence mode needs {BOS!r} and {EOS!r} in the vocabulary (build it with "
                "seqlm.rnn.corpus.lm_vocab); use mode='stream' for a model trained on a stream"
            )
        self.model, self.vocab = model, vocab
        self.batch_size, self.chunk = int(batch_size), int(chunk)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    # ----- scoring
    def token_logprobs(self, text: str) -> np.ndarray:
        """Natural log-probability of every predicted token of ``text``, in order."""
        todo = units(text, self.mode, self._tokenize)
        seqs = [self.vocab.encode([*u.context, *u.targets]) for u in todo]
        n_context = [len(u.context) for u in todo]
        out: list[np.ndarray] = [np.empty(0)] * len(seqs)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        groups = [order[s : s + self.batch_size] for s in range(0, len(order), self.batch_size)]
        bar = scoring_bar(sum(-(-(len(seqs[g[-1]]) - 1) // self.chunk) for g in groups),
                          self.progress)
        try:
            for group in groups:
                scored = self._logprobs_batch([seqs[i] for i in group], bar.update)
                for i, lp in zip(group, scored, strict=True):
                    out[i] = lp[n_context[i] - 1 :]
        finally:
            bar.close()
        return np.concatenate(out)

    @torch.no_grad()
    def _logprobs_batch(self, seqs: Sequence[np.ndarray],
                        done: Callable[[int], object] | None = None) -> list[np.ndarray]:
        """ln p(x_{t+1} | x_1..x_t) for t = 1..len-1 of each sequence (right-padded batch)."""
        lengths = [len(s) - 1 for s in seqs]
        width = max(lengths)
        ids = np.zeros((len(seqs), width + 1), dtype=np.int64)
        for row, s in enumerate(seqs):
            ids[row, : len(s)] = s
        ids_t = torch.from_numpy(ids).to(self.device)
        was_training = self.model.training
        self.model.eval()
        state: State | None = None
        pieces = []
        try:
            for t0 in range(0, width, self.chunk):
                X = ids_t[:, t0 : min(t0 + self.chunk, width)]
                Y = ids_t[:, t0 + 1 : t0 + 1 + X.shape[1]]
                logits, state = self.model(X, state)
                # ln softmax(O)_y = O_y - logsumexp(O), without a second vocabulary-wide copy
                target = logits.gather(-1, Y.unsqueeze(-1)).squeeze(-1)
                pieces.append((target - torch.logsumexp(logits, dim=-1)).double())
                if done is not None:
                    done(1)
        finally:
            self.model.train(was_training)
        table = torch.cat(pieces, dim=1).cpu().numpy()
        return [table[row, :n] for row, n in enumerate(lengths)]

    # ----- generation
    def encode_prefix(self, prefix: str) -> list[str]:
        """Tokens of the prefix; unseen characters are an error for char models (no guessing)."""
        tokens = self._tokenize(prefix)
        unseen = sorted({t for t in tokens if t not in self.vocab})
        if unseen and (self.tokenizer == "char" or self.vocab.unk_token is None):
            raise DataError(
                f"the prefix has {len(unseen)} token(s) the model never saw: "
                f"{', '.join(repr(t) for t in unseen[:10])}"
            )
        return tokens

    @torch.no_grad()
    def generate(
        self,
        prefix: str = "",
        n: int = 50,
        strategy: str = "greedy",
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
        seed: int = 0,
    ) -> str:
        """The prefix followed by up to ``n`` generated tokens (sentence mode stops at </s>)."""
        require_int("n", n, low=0)
        check_sampling(strategy, temperature, top_k, top_p)
        tokens = self.encode_prefix(prefix)
        context = [BOS, *tokens] if self.mode == "sentence" else tokens
        if not context:
            raise DataError("stream mode needs a non-empty prefix to start from")
        gen = torch.Generator().manual_seed(seed)
        was_training = self.model.training
        self.model.eval()
        try:
            # warm-up: run the whole prefix through the model, keep its state and last logits
            X = torch.from_numpy(self.vocab.encode(context))[None].to(self.device)
            logits, state = self.model(X)
            new: list[str] = []
            for _ in range(n):
                idx = choose(logits[0, -1], strategy, temperature, top_k, top_p, gen)
                token = self.vocab.idx_to_token[idx]
                if self.mode == "sentence" and token == EOS:
                    break
                new.append(token)
                logits, state = self.model(torch.tensor([[idx]], device=self.device), state)
        finally:
            self.model.train(was_training)
        sep = "" if self.tokenizer == "char" else " "
        return sep.join([*tokens, *new])
