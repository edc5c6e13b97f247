"""NgramLM: counting n-gram language model of any order with a choice of estimator.

Log-probabilities: ``logprob`` and ``token_logprobs`` return natural logs (as the RNN models);
``score`` and ``full_scores`` return log10, like KenLM, so numbers compare with KenLM directly.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from seqlm.core.lm import LanguageModel, TokenScores
from seqlm.core.results import LN10 as LOG10
from seqlm.data.conventions import BOS, EOS, Mode, Unit, check_mode
from seqlm.data.tokenize import Tokenizer, get_tokenizer
from seqlm.data.vocab import Vocab
from seqlm.errors import require_positive
from seqlm.ngram.cext import enabled
from seqlm.ngram.count_based import CountBased
from seqlm.ngram.counting import OrderCounts, count_ngrams, first_positions, lookup
from seqlm.ngram.discounts import counts_of_counts
from seqlm.ngram.encode import Encoded, encode_units
from seqlm.ngram.engine import State, _Cache, compiled_engine, make_state, step_numpy
from seqlm.ngram.errors import ConfigError, ModelFileError
from seqlm.ngram.estimators import Interpolated, Tables
from seqlm.ngram.memory import available_bytes, counting_bytes, paused_gc
from seqlm.ngram.query import backoff_scores, match
from seqlm.ngram.registered import estimator_class, fittable_estimators
from seqlm.ngram.smoothing import Smoothing, SmoothingConfig
from seqlm.ngram.spool import Alloc, in_memory
from seqlm.ngram.tokens import Tokens, tokenize_text
from seqlm.ngram.vocab_build import lmplz_ranks

MAX_ORDER = 20


def _lmplz_ids(seq: np.ndarray, vocab: Vocab) -> np.ndarray:
    """lmplz's word ids for our ids: <unk>, <s>, </s> first, then order of first appearance."""
    return lmplz_ranks(first_positions(seq, len(vocab)), vocab)


class NgramLM(LanguageModel):
    """An order-N counting language model; ``estimator`` picks the smoothing.

    Estimators: mle, laplace, lidstone (add-k), witten_bell, absolute, kneser_ney (one discount,
    as nltk.lm), modified_kneser_ney (three discounts per order, as KenLM lmplz; the default),
    stupid_backoff (scores, not probabilities). See docs/ngram.md for the formulas.
    """

    def __init__(self, order: int = 3, estimator: str = "modified_kneser_ney",
                 mode: Mode = "sentence", tokenizer: str = "word", *, k: float = 1.0,
                 discount: float | None = None, alpha: float = 0.4,
                 interpolate_unigram: bool = True, vocab: Vocab | None = None) -> None:
        if not isinstance(order, int) or order < 1 or order > MAX_ORDER:
            raise ConfigError(f"order must be an integer in 1..{MAX_ORDER}, got {order!r}")
        self.order = order
        cls = estimator_class(estimator)
        if not cls.fittable:
            raise ConfigError(f"estimator {estimator!r} cannot be fitted (it names a model read "
                              f"from a file); choose one of {', '.join(fittable_estimators())}")
        self.mode: Mode = check_mode(mode)
        self.tokenizer = tokenizer
        get_tokenizer(tokenizer)
        if cls.fixed_k is not None:
            k = cls.fixed_k
        require_positive("k", k)
        self.k = float(k)
        if discount is None:
            discount = cls.default_discount
        if not 0.0 < discount <= 1.0:
            raise ConfigError(f"discount must be in (0, 1], got {discount!r}")
        self.discount = float(discount)
        if not 0.0 < alpha <= 1.0:
            raise ConfigError(f"alpha must be in (0, 1], got {alpha!r}")
        self.alpha = float(alpha)
        self.interpolate_unigram = interpolate_unigram
        self._use_estimator(estimator)
        self.vocab: Vocab = vocab if vocab is not None else Vocab()
        self._fixed_vocab = vocab is not None
        self.keys: list[np.ndarray] = []
        self.counts: list[np.ndarray] | None = None
        self.tables: Tables | None = None
        self.ctx_total: list[np.ndarray] = []
        self.predicted = np.zeros(0, dtype=bool)
        self._engine_cache: _Cache | None = None
        self._unchecked: str | None = None  # from_arrays: contents not checked yet

    def _use_estimator(self, name: str) -> None:
        """Set ``estimator`` (the registered name) and ``smoothing`` (the object built from
        this model's settings)."""
        config = SmoothingConfig(self.k, self.discount, self.alpha, self.interpolate_unigram)
        self.smoothing: Smoothing = estimator_class(name)(config)
        self.estimator = name

    @property
    def proper(self) -> bool:
        """Whether scores are probabilities (the estimator says; False for stupid backoff)."""
        return self.smoothing.proper

    @proper.setter
    def proper(self, value: bool) -> None:
        raise AttributeError("proper follows the estimator; it cannot be set")

    # ------------------------------------------------------------------ fitting
    def _tok(self) -> Tokenizer:
        return get_tokenizer(str(self.tokenizer))

    def _tokens(self, corpus: str | Iterable[str]) -> Tokens:
        """The units of a text, tokenised by the compiled path where it applies (tokens.py)."""
        text = corpus if isinstance(corpus, str) else "\n".join(corpus)
        return tokenize_text(text, self.mode, self._tok())

    def fit(self, corpus: str | Iterable[str]) -> NgramLM:
        """Count all n-grams of the corpus and estimate the model. Returns self."""
        with paused_gc():
            return self._fit(corpus)

    def fit_file(self, path: str | os.PathLike[str], memory: str | int | None = None,
                 temp_dir: str | os.PathLike[str] | None = None, progress: bool = False
                 ) -> NgramLM:
        """Fit on a text file (plain, .gz/.bz2/.xz, or ``-``). With ``memory`` (``"4G"``,
        bytes) counting stays within that cap, spilling sorted runs to ``temp_dir`` when the
        text does not fit (streaming.py); the model is the one ``fit`` gives."""
        if memory is None:
            from seqlm.data.text import read_text

            return self.fit(read_text(path))
        from seqlm.ngram.streaming import fit_file, parse_memory

        with paused_gc():
            fit_file(self, path, parse_memory(memory), temp_dir, progress)
        return self

    def fit_distributed(self, path: str | os.PathLike[str], client: Any = None, *,
                        scheduler: str | None = None, workers: int | None = None,
                        block_bytes: int = 64 << 20) -> NgramLM:
        """Fit on a text file, counting on a Dask cluster (``client``, a ``scheduler``
        address, or a local cluster of ``workers`` processes); the model is the one ``fit``
        gives (cluster.py; needs ``seqlm[distributed]``)."""
        from seqlm.ngram.cluster import client_for, fit_cluster

        own = client is None
        client = client_for(scheduler, workers) if own else client
        try:
            with paused_gc():
                fit_cluster(self, path, client, block_bytes)
                return self
        finally:
            if own:
                cluster = getattr(client, "cluster", None)
                client.close()
                if cluster is not None:
                    cluster.close()

    def fit_ids(self, ids: Sequence[int] | np.ndarray) -> NgramLM:
        """Count an id stream already encoded with this model's vocabulary (stream mode, a
        vocabulary given at construction): e.g. an RNN's training ids, for a teacher."""
        if self.mode != "stream" or not self._fixed_vocab:
            raise ConfigError("fit_ids needs mode='stream' and the vocabulary given up front")
        seq = np.asarray(ids, dtype=np.int64)
        if seq.ndim != 1 or (seq.size and (seq.min() < 0 or seq.max() >= len(self.vocab))):
            raise ConfigError(f"ids must be a 1-D stream of ids below {len(self.vocab)}")
        self._check_vocab()
        with paused_gc():
            return self._estimate(*self._count(seq, np.zeros(len(seq), dtype=np.int64)))

    def _fit(self, corpus: str | Iterable[str]) -> NgramLM:
        toks = self._tokens(corpus)
        if not self._fixed_vocab:
            self.vocab = toks.vocab((BOS, EOS) if self.mode == "sentence" else ())
        self._check_vocab()
        seq, unit_start = toks.sequence(self.vocab)
        del toks  # the token arrays go before estimating (its peak), as the counts' inputs do
        tables, first_seen = self._count(seq, unit_start)
        del seq, unit_start
        return self._estimate(tables, first_seen)

    def _check_vocab(self) -> None:
        if self.vocab.unk_token is None:
            raise ConfigError("the n-gram model needs a vocabulary with an <unk> token")
        if self.mode == "sentence" and not (BOS in self.vocab and EOS in self.vocab):
            raise ConfigError("a sentence-mode vocabulary must contain <s> and </s>")

    def _count(self, seq: np.ndarray, unit_start: np.ndarray
               ) -> tuple[list[OrderCounts], np.ndarray | None]:
        """Count tables of an id sequence and lmplz's word ids (sentence mode; else None)."""
        need, have = counting_bytes(len(seq), self.order), available_bytes()
        if need > have:
            raise ConfigError(f"order {self.order} on {len(seq)} tokens needs about "
                              f"{need / 1e9:.1f} GB to count, more than the {have / 1e9:.1f} GB "
                              "available; count out of core with fit_file(path, memory='4G') "
                              "(seqlm ngram fit --memory 4G), or use a lower order")
        V = len(self.vocab)
        if V ** 2 >= 2 ** 62:
            raise ConfigError(f"vocabulary of {V} words is too large for 64-bit n-gram keys")
        tables = count_ngrams(seq, unit_start, self.order, V)
        return tables, (_lmplz_ids(seq, self.vocab) if self.mode == "sentence" else None)

    def _estimate(self, tables: list[OrderCounts], first_seen: np.ndarray | None,
                  alloc: Alloc = in_memory) -> NgramLM:
        """Estimate from the count tables (in memory, streamed or from a cluster: the same);
        ``first_seen``: lmplz's word ids (sentence mode), for its discount statistics;
        ``alloc``: how the tables' order-sized arrays are made (file-backed out of core)."""
        V = len(self.vocab)
        self.keys = [t.keys for t in tables]
        self.counts = [t.count for t in tables]
        self.predicted = np.ones(V, dtype=bool)
        if self.mode == "sentence" and BOS in self.vocab:
            self.predicted[self.vocab.index(BOS)] = False
        self.tables = None
        if isinstance(self.smoothing, Interpolated):
            bos = self.vocab.index(BOS) if first_seen is not None else -1
            self.tables = self.smoothing.tables(tables, V, self.predicted, self.mode == "stream",
                                                first_seen, bos, alloc)
        self.ctx_total = []
        if self.tables is None:  # only the count-formula estimators read context totals
            self._context_totals()
        return self

    def _context_totals(self) -> None:
        """Per order the total count following each context (for the count-based estimators)."""
        if self.counts is None:
            self.ctx_total = []
            return
        uni = np.where(self.predicted, self.counts[0], 0)
        self.ctx_total = [np.array([float(uni.sum())])]
        V = np.int64(len(self.vocab))
        for n in range(2, self.order + 1):
            self.ctx_total.append(np.bincount(self.keys[n - 1] // V, weights=self.counts[n - 1],
                                              minlength=len(self.keys[n - 2])))

    @classmethod
    def from_arrays(cls, settings: dict[str, Any], vocab: Vocab, keys: list[np.ndarray],
                    predicted: np.ndarray, counts: list[np.ndarray] | None = None,
                    tables: Tables | None = None, name: str = "<arrays>") -> NgramLM:
        """A model from its arrays (what the ARPA and binary loaders produce): ``settings`` are
        the constructor's keyword values (``estimator`` may be ``"arpa"``: a read backoff
        model). Shapes are checked now; the contents (sorted keys, log-probabilities <= 0,
        finite backoffs, counts >= 0) at the first query, so a memory-mapped file opens
        without reading its pages. Problems raise ``ModelFileError`` naming ``name``."""
        from seqlm.ngram.checks import check_shapes

        est = str(settings.get("estimator"))
        args = {k: v for k, v in settings.items() if k != "estimator"}
        try:
            fits = estimator_class(est).fittable
        except ConfigError as exc:
            raise ModelFileError(f"{name}: {exc} (import the module that registers it before "
                                 "loading)") from None
        if fits:
            args["estimator"] = est
        m = cls(vocab=vocab, **args)
        m._use_estimator(est)
        check_shapes(m, keys, predicted, counts, tables, name)
        m.keys, m.predicted, m.counts, m.tables = keys, predicted, counts, tables
        m._unchecked = name
        return m

    def _require_fitted(self) -> None:
        if not self.keys:
            raise ConfigError("the model is not fitted yet: call fit(corpus) or load a model")
        if self._unchecked is not None:
            from seqlm.ngram.checks import check_contents

            check_contents(self, self._unchecked)
            self._unchecked = None
            if self.tables is None:  # the count-formula estimators need context totals
                self._context_totals()

    # ------------------------------------------------------------------ scoring core
    def _encode(self, text: str | Iterable[str]) -> Encoded:
        with paused_gc():
            return self._tokens(text).encode(self.vocab)

    def _score_encoded(self, enc: Encoded) -> tuple[np.ndarray, np.ndarray]:
        """Natural-log probability and n-gram length used, for every target of ``enc``."""
        self._require_fitted()
        eng = compiled_engine(self)
        if eng is not None:
            lp = np.empty(len(enc.targets))
            length = np.empty(len(enc.targets), dtype=np.int64)
            eng.score_ids(np.ascontiguousarray(enc.seq, dtype=np.int64),
                          np.ascontiguousarray(enc.unit_start, dtype=np.int64),
                          np.ascontiguousarray(enc.targets, dtype=np.int64), lp, length)
            return lp, length
        m = match(self.keys, enc.seq, enc.unit_start, len(self.vocab))
        if self.tables is not None:
            return backoff_scores(m, enc.targets, self.tables.logp, self.tables.logbow)
        assert self.counts is not None and isinstance(self.smoothing, CountBased)
        return self.smoothing.scores(m, enc.targets, self.counts, self.ctx_total,
                                     int(self.predicted.sum()))

    def token_logprobs(self, text: str) -> np.ndarray:
        """Natural-log probability of every predicted token of ``units(text, mode, tokenizer)``."""
        if type(text) is str and self.tokenizer == "word":  # one C pass: split, look up, score
            self._require_fitted()
            eng = compiled_engine(self)
            if eng is not None:
                out = np.empty(len(text) + 1)
                n = eng.logprobs_text(text, out)
                if n is not None:
                    return out[:n].copy() if n < len(out) // 4 else out[:n]
        return self._score_encoded(self._encode(text))[0]

    def logprob(self, word: str, context: Sequence[str] = ()) -> float:
        """Natural-log probability of ``word`` after the tokens ``context`` (["<s>", "the"])."""
        self._require_fitted()
        ctx = list(context)[-(self.order - 1):] if self.order > 1 else []
        enc = encode_units([Unit(ctx, [word])], self.vocab)
        return float(self._score_encoded(enc)[0][0])

    def _fast_text(self, text: object, full: bool) -> Any:
        """The compiled text scorer's answer (word tokenizer, backoff model), else None."""
        c = self._engine_cache  # checked inline: score() one sentence at a time is hot
        if c is None or c.keys is not self.keys or c.tables is not self.tables:
            self._require_fitted()
            compiled_engine(self)
            c = self._engine_cache
        if c is None or c.text is None or type(text) is not str or not enabled():
            return None
        return c.text(text, full)

    def full_scores(self, sentence: str) -> list[tuple[float, int, bool]]:
        """Per predicted token: (log10 probability, n-gram length used, is OOV), like KenLM."""
        fast = self._fast_text(sentence, True)
        if fast is not None:
            return fast
        return super().full_scores(sentence)

    def token_scores(self, text: str | Iterable[str]) -> TokenScores:
        """Log-probabilities, the n-gram length each used (KenLM's) and OOV flags."""
        enc = self._encode(text)
        lp, length = self._score_encoded(enc)
        return TokenScores(lp, length, enc.oov)

    def score(self, sentence: str) -> float:
        """Total log10 probability of a sentence (``<s>``/``</s>`` in sentence mode), as KenLM."""
        c = self._engine_cache  # inline fast path: one sentence at a time is the hot loop
        if (c is not None and c.text is not None and c.keys is self.keys
                and c.tables is self.tables and type(sentence) is str and enabled()):
            fast = c.text(sentence)
        else:
            fast = self._fast_text(sentence, False)
        if fast is not None:
            return fast
        return float(self.token_logprobs(sentence).sum() / LOG10)

    # ------------------------------------------------------------------ state API (KenLM's)
    def null_context_state(self) -> State:
        """The state with no context (KenLM's NullContextWrite)."""
        self._require_backoff()
        return b""

    def begin_state(self) -> State:
        """The state after ``<s>`` in sentence mode (KenLM's BeginSentenceWrite); the null
        context in stream mode."""
        self._require_backoff()
        if self.mode != "sentence" or self.order == 1:
            return b""
        return make_state([self.vocab.index(BOS)])

    def score_word(self, state: State, word: str) -> tuple[float, State]:
        """(log10 p(word | state), the state after word): KenLM's BaseScore, for decoders that
        extend hypotheses one word at a time. Unknown words score as ``<unk>``."""
        self._require_backoff()
        if not isinstance(word, str):
            raise ConfigError(f"word must be a str, got {type(word).__name__}")
        eng = compiled_engine(self)
        if eng is not None:
            try:
                return eng.score_word(state, word)
            except (TypeError, ValueError) as exc:
                raise ConfigError(str(exc)) from None
        return step_numpy(self, state, self.vocab.index(word))

    def _require_backoff(self) -> None:
        self._require_fitted()
        if self.tables is None:
            raise ConfigError(f"the state API needs a backoff-form model; {self.estimator!r} "
                              "is scored from counts (use score or token_logprobs)")

    # ------------------------------------------------------------------ distributions
    def next_token_distribution(self, context: Sequence[str] = ()) -> tuple[list[str], np.ndarray]:
        """All predictable tokens and their probabilities after ``context`` (scores for stupid
        backoff, normalised here so they can be sampled)."""
        ctx = list(context)[-(self.order - 1):] if self.order > 1 else []
        seq = np.append(self.vocab.encode(ctx), 0).astype(np.int64)  # 0: the slot to fill
        enc = Encoded(seq, np.zeros(len(seq), dtype=np.int64),
                      np.array([len(ctx)], dtype=np.int64), np.zeros(1, dtype=bool))
        cand = np.nonzero(self.predicted)[0]
        return [self.vocab.idx_to_token[i] for i in cand], self._distributions(enc)[0, cand]

    def next_token_distributions(self, text: str) -> np.ndarray:
        """Row i: the model's whole next-token distribution where it predicts token i of
        ``token_logprobs(text)`` (columns = vocabulary ids; a teacher's soft targets)."""
        return self._distributions(self._encode(text))

    def _distributions(self, enc: Encoded, chunk: int = 1 << 15) -> np.ndarray:
        """Score every vocabulary id at every target of ``enc``: each (target, candidate) pair is
        a window (the target's context, then the candidate); about ``chunk`` windows per pass,
        so one context (sampling) or many (a teacher) both take few passes."""
        self._require_fitted()
        n, V, T = self.order, len(self.vocab), len(enc.targets)
        pad = np.concatenate([np.zeros(n - 1, dtype=np.int64), enc.seq.astype(np.int64)])
        windows = sliding_window_view(pad, n)  # windows[t] ends at position t
        out = np.zeros((T, V))
        cand = np.nonzero(self.predicted)[0]
        for a in range(0, T, chunk):
            t = enc.targets[a:a + chunk]
            lead = n - 1 - np.minimum(t - enc.unit_start[t], n - 1)  # slots before the unit
            per_pass = max(1, chunk // len(t))
            for b in range(0, len(cand), per_pass):
                group = cand[b:b + per_pass]
                w = np.repeat(windows[t][None], len(group), axis=0)  # (candidates, targets, n)
                w[:, :, -1] = group[:, None]
                rows = np.arange(w.shape[0] * w.shape[1], dtype=np.int64) * n
                starts = np.repeat(rows + np.tile(lead, len(group)), n)
                sub = Encoded(w.reshape(-1), starts, rows + n - 1, np.zeros(len(rows), dtype=bool))
                lp = self._score_encoded(sub)[0].reshape(len(group), len(t))
                out[a:a + len(t), group] = np.exp(lp).T
        if not self.proper:  # scores, not probabilities (stupid backoff)
            out /= np.maximum(out.sum(axis=1, keepdims=True), np.finfo(float).tiny)
        return out

    def generate(self, n: int, prefix: Sequence[str] | str = (), temperature: float = 1.0,
                 top_k: int | None = None, seed: int = 0) -> list[str]:
        """Sample up to ``n`` tokens after ``prefix`` (a token list or text); same seed, same
        tokens. Sentence mode starts after ``<s>`` and stops at ``</s>``."""
        from seqlm.ngram.generate import generate

        toks = self._tok()(prefix) if isinstance(prefix, str) else list(prefix)
        return generate(self, n, toks, temperature, top_k, seed)

    # ------------------------------------------------------------------ counts access
    @property
    def num_ngrams(self) -> list[int]:
        """Number of distinct n-grams per order (unigrams: the vocabulary size)."""
        return [len(k) for k in self.keys]

    def count(self, ngram: str | Sequence[str]) -> int:
        """Raw count of an n-gram (a space-separated string or a token list); 0 if unseen."""
        self._require_fitted()
        if self.counts is None:
            raise ConfigError("this model was loaded without counts (e.g. from ARPA)")
        toks = ngram.split() if isinstance(ngram, str) else list(ngram)
        if not 1 <= len(toks) <= self.order:
            raise ConfigError(f"n-gram length must be 1..{self.order}, got {len(toks)}")
        if any(t not in self.vocab for t in toks):
            return 0
        ids = self.vocab.encode(toks)
        row = int(ids[0])
        V = len(self.vocab)
        for n in range(2, len(toks) + 1):
            row = int(lookup(self.keys[n - 1], np.array([row * V + int(ids[n - 1])]))[0])
            if row < 0:
                return 0
        return int(self.counts[len(toks) - 1][row])

    def counts_of_counts(self, order: int) -> list[int]:
        """n_1..n_4 of the raw counts of one order (``<s>`` excluded from unigrams)."""
        self._require_fitted()
        if self.counts is None:
            raise ConfigError("this model was loaded without counts (e.g. from ARPA)")
        if not 1 <= order <= self.order:
            raise ConfigError(f"order must be 1..{self.order}, got {order}")
        c = self.counts[order - 1]
        if order == 1:
            c = np.where(self.predicted, c, 0)
        return [int(x) for x in counts_of_counts(c)[1:]]

    @property
    def discounts(self) -> list[tuple[float, ...]]:
        """Discounts per order (modified KN: D1, D2, D3+; absolute/KN: one) or [] otherwise."""
        return list(self.tables.discounts) if self.tables is not None else []

    def __repr__(self) -> str:
        return (f"NgramLM(order={self.order}, estimator={self.estimator!r}, mode={self.mode!r}, "
                f"vocab={len(self.vocab)}, ngrams={self.num_ngrams})")


__all__ = ["NgramLM"]
