"""Counting on a Dask cluster (``pip install 'seqlm[distributed]'``): shard, count the shards on
the workers with the compiled counter, merge by first-word range on the workers, estimate.

What moves over the network: the text, once, client -> workers (line-aligned blocks); each
shard's type counts, workers -> client (a vocabulary's worth); the vocabulary, client ->
every worker; each shard's sorted n-gram counts, cut into first-word ranges, worker -> the
worker that merges that range; the merged count tables, workers -> client (about 25 bytes per
distinct n-gram), which estimates the model exactly as ``fit`` does. Counting and merging
scale with the workers; the client's share is the estimation over the merged tables.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from typing import Any

import numpy as np

from seqlm.data.conventions import BOS, EOS
from seqlm.data.tokenize import get_tokenizer
from seqlm.data.vocab import Vocab
from seqlm.ngram.errors import ConfigError
from seqlm.ngram.protocol import M
from seqlm.ngram.runs import Run, assemble, count_tokens, merge_order
from seqlm.ngram.streaming import text_blocks
from seqlm.ngram.tokens import TypeTokens, UnitTokens, tokenize_text
from seqlm.ngram.vocab_build import lmplz_ranks, vocab_from_counts

Part = list[tuple[np.ndarray, np.ndarray, np.ndarray]]  # per order >= 2: words, count, starts


def _type_counts(text: str, mode: str, tokenizer: str) -> Counter[str]:
    """A shard's token types and counts (on a worker)."""
    toks = tokenize_text(text, mode, get_tokenizer(tokenizer))  # type: ignore[arg-type]
    if isinstance(toks, TypeTokens):
        return Counter(dict(zip(toks.types, toks.counts.tolist(), strict=True)))
    assert isinstance(toks, UnitTokens)
    return Counter(t for u in toks.units for t in (*u.context, *u.targets))


def _count_shard(text: str, vocab: Vocab, order: int, mode: str, tokenizer: str) -> Run:
    """A shard's sorted counts (on a worker, with the compiled counter)."""
    toks = tokenize_text(text, mode, get_tokenizer(tokenizer))  # type: ignore[arg-type]
    return count_tokens(toks, vocab, order)


def _unigrams(run: Run) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, int]:
    return run.count[0], run.starts[0], run.first, run.tokens


def _part(run: Run, lo: int, hi: int) -> Part:
    """The n-grams of a shard whose first word id is in [lo, hi) (on the shard's worker)."""
    out = []
    for n in range(1, len(run.words)):
        col = run.words[n][:, 0]
        a, b = np.searchsorted(col, lo), np.searchsorted(col, hi)
        out.append((run.words[n][a:b], run.count[n][a:b], run.starts[n][a:b]))
    return out


def _merge_parts(*parts: Part) -> Part:
    """One first-word range merged across all shards (on a worker)."""
    return [merge_order([p[n][0] for p in parts], [p[n][1] for p in parts],
                        [p[n][2] for p in parts]) for n in range(len(parts[0]))]


def client_for(scheduler: str | None = None, workers: int | None = None) -> Any:
    """A dask.distributed Client: at ``scheduler`` (``tcp://host:8786``) or on a new local
    cluster of ``workers`` processes."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("cluster counting needs Dask: pip install 'seqlm[distributed]'") from None
    if scheduler is not None:
        try:
            return Client(scheduler, timeout="10s")
        except OSError as exc:
            raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    return Client(LocalCluster(n_workers=workers or 2, threads_per_worker=1,
                               dashboard_address=None))


def fit_cluster(model: M, path: str | os.PathLike[str], client: Any,
                block_bytes: int = 64 << 20, ranges: int | None = None) -> M:
    """Fit ``model`` on a text file, counting on the workers of a Dask ``client``."""
    if model.mode != "sentence":
        raise ConfigError("cluster counting needs sentence mode (shards are cut at lines)")
    shards = [client.scatter(text) for text, _ in text_blocks(path, block_bytes)]
    args = (model.mode, model.tokenizer)
    counts: Counter[str] = Counter()
    for c in client.gather([client.submit(_type_counts, s, *args, pure=False) for s in shards]):
        counts.update(c)
    if not counts:
        raise ConfigError(f"{path} has no tokens to count")
    if not model._fixed_vocab:
        model.vocab = vocab_from_counts(counts.items(), (BOS, EOS))
    model._check_vocab()
    V = len(model.vocab)
    vocab = client.scatter(model.vocab, broadcast=True)
    runs = [client.submit(_count_shard, s, vocab, model.order, *args, pure=False) for s in shards]
    freq = np.zeros(V, dtype=np.int64)  # ranges of first words with similar token counts
    for tok, c in counts.items():
        freq[model.vocab.index(tok)] += c
    n_ranges = ranges or max(1, 2 * len(client.scheduler_info().get("workers", {})))
    cuts = np.unique(np.concatenate([[0], np.searchsorted(
        np.cumsum(freq), np.linspace(0, freq.sum(), n_ranges + 1)[1:-1]), [V]]))
    merged = [client.submit(_merge_parts, *[client.submit(_part, r, int(a), int(b))
                                            for r in runs])
              for a, b in itertools.pairwise(cuts)]
    heads = client.gather([client.submit(_unigrams, r) for r in runs])
    first = np.full(V, -1, dtype=np.int64)
    offset = 0
    for _, _, f, tokens in heads:
        assert f is not None
        new = (first < 0) & (f >= 0)
        first[new] = f[new] + offset
        offset += tokens
    total = Run([np.arange(V, dtype=np.int32).reshape(-1, 1)],
                [np.sum([h[0] for h in heads], axis=0)],
                [np.logical_or.reduce([h[1] for h in heads])], offset)
    parts = client.gather(merged)
    for n in range(model.order - 1):
        total.words.append(np.concatenate([p[n][0] for p in parts]))
        total.count.append(np.concatenate([p[n][1] for p in parts]))
        total.starts.append(np.concatenate([p[n][2] for p in parts]))
    model._estimate(assemble(total, V), lmplz_ranks(first, model.vocab))
    return model
