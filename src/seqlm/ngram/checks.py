"""Validation of a model's arrays (from a file, so untrusted): shapes at once, contents at the
first query (``NgramLM.from_arrays``), so memory-mapped files open without being read."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from seqlm.ngram.errors import ModelFileError

if TYPE_CHECKING:
    from seqlm.ngram.estimators import Tables
    from seqlm.ngram.protocol import NgramModel


def _vector(a: object, dtype: str, length: int | None, what: str, name: str) -> None:
    if (not isinstance(a, np.ndarray) or a.ndim != 1 or a.dtype != np.dtype(dtype)
            or (length is not None and len(a) != length)):
        raise ModelFileError(f"{name}: array {what!r} has the wrong type or shape")


def check_shapes(model: NgramModel, keys: list[np.ndarray], predicted: np.ndarray,
                 counts: list[np.ndarray] | None, tables: Tables | None, name: str) -> None:
    """Types and lengths of every array (cheap: reads no array data)."""
    V, N = len(model.vocab), model.order
    if len(keys) != N:
        raise ModelFileError(f"{name}: {len(keys)} key arrays for order {N}")
    _vector(predicted, "bool", V, "predicted", name)
    for n, k in enumerate(keys, 1):
        _vector(k, "int64", V if n == 1 else None, f"keys{n}", name)
    sizes = [len(k) for k in keys]
    if counts is not None:
        if len(counts) != N:
            raise ModelFileError(f"{name}: {len(counts)} count arrays for order {N}")
        for n, c in enumerate(counts, 1):
            _vector(c, "int64", sizes[n - 1], f"count{n}", name)
    if (tables is not None) != model.smoothing.backoff_form:
        raise ModelFileError(f"{name}: estimator {model.estimator!r} does not match the "
                             "stored arrays")
    if tables is not None:
        if len(tables.logp) != N or len(tables.logbow) != N - 1:
            raise ModelFileError(f"{name}: wrong number of probability arrays")
        for n in range(N):
            _vector(tables.logp[n], "float64", sizes[n], f"logp{n + 1}", name)
            if n < N - 1:
                _vector(tables.logbow[n], "float64", sizes[n], f"logbow{n + 1}", name)
    elif counts is None:
        raise ModelFileError(f"{name}: the model has neither counts nor probabilities")


def check_contents(model: NgramModel, name: str) -> None:
    """Sorted in-range keys, log-probabilities <= 0 or -inf (never NaN), finite backoffs,
    non-negative counts: what scoring relies on."""
    V = len(model.vocab)
    k1 = model.keys[0]
    if len(k1) and (k1 != np.arange(V)).any():
        raise ModelFileError(f"{name}: keys1 must be the vocabulary ids 0..V-1")
    for n in range(2, model.order + 1):
        k = model.keys[n - 1]
        if len(k) and (k[0] < 0 or k[-1] // V >= len(model.keys[n - 2])
                       or (np.diff(k) <= 0).any()):
            raise ModelFileError(f"{name}: keys{n} are not sorted valid n-gram keys")
    if model.counts is not None and any(len(c) and c.min() < 0 for c in model.counts):
        raise ModelFileError(f"{name}: negative counts")
    if model.tables is not None:
        for n, lp in enumerate(model.tables.logp, 1):
            if np.isnan(lp).any() or (lp > 1e-9).any():
                raise ModelFileError(f"{name}: logp{n} holds NaN or positive log-probabilities")
        for n, b in enumerate(model.tables.logbow, 1):
            if not np.isfinite(b).all() or (np.abs(b) > 1e4).any():
                raise ModelFileError(f"{name}: logbow{n} holds non-finite or absurd backoffs")
