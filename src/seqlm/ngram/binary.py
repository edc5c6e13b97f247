"""seqlm's own compact model file: numpy arrays in an .npz container, never pickle.

Holds per order the sorted keys, log-probabilities and log-backoffs (and raw counts when the
model has them), plus a JSON header (format, settings, vocabulary) stored as a uint8 array.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from seqlm.data.vocab import Vocab
from seqlm.io import atomic_path
from seqlm.ngram.errors import ModelFileError
from seqlm.ngram.estimators import Tables
from seqlm.ngram.model import MAX_ORDER, NgramLM

FORMAT = "seqlm.ngram/1"


def save_model(model: NgramLM, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` (atomically, uncompressed npz so that loading is fast)."""
    model._require_fitted()
    meta = {
        "format": FORMAT, "order": model.order, "estimator": model.estimator,
        "mode": model.mode, "tokenizer": model.tokenizer, "k": model.k,
        "discount": model.discount, "alpha": model.alpha,
        "interpolate_unigram": model.interpolate_unigram, "vocab": model.vocab.to_dict(),
        "discounts": [list(d) for d in model.discounts],
        "has_counts": model.counts is not None, "has_tables": model.tables is not None,
    }
    arrays: dict[str, np.ndarray] = {
        "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
        "predicted": model.predicted,
    }
    for n in range(model.order):
        arrays[f"keys{n + 1}"] = model.keys[n]
        if model.counts is not None:
            arrays[f"count{n + 1}"] = model.counts[n]
        if model.tables is not None:
            arrays[f"logp{n + 1}"] = model.tables.logp[n]
            if n < model.order - 1:
                arrays[f"logbow{n + 1}"] = model.tables.logbow[n]
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **arrays)  # type: ignore[arg-type]


def _get(z: Any, name: str, dtype: str, length: int | None, path: Path) -> np.ndarray:
    if name not in z.files:
        raise ModelFileError(f"{path}: missing array {name!r}")
    a = z[name]
    if a.ndim != 1 or a.dtype != np.dtype(dtype) or (length is not None and len(a) != length):
        raise ModelFileError(f"{path}: array {name!r} has the wrong type or shape")
    return a


def load_model(path: str | os.PathLike[str]) -> NgramLM:
    """Read a model written by :func:`save_model` (validating every array)."""
    p = Path(path)
    try:
        z = np.load(p, allow_pickle=False)
    except FileNotFoundError:
        raise ModelFileError(f"no such file: {p}") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelFileError(  # numpy's own text may suggest unpickling: never for our files
            f"{p} is not a seqlm n-gram model (ARPA text or npz archive): "
            f"{type(exc).__name__}") from None
    if not isinstance(z, np.lib.npyio.NpzFile):
        raise ModelFileError(f"{p} is not a seqlm n-gram model (not an npz archive)")
    try:
        with z:
            return _load(z, p)
    except (ValueError, KeyError, TypeError, zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ModelFileError(f"{p} is not a valid seqlm n-gram model: {exc}") from None


def _load(z: Any, p: Path) -> NgramLM:
    meta = json.loads(bytes(_get(z, "meta", "uint8", None, p)).decode("utf-8"))
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{p}: not a {FORMAT} file")
    order = meta["order"]
    if not isinstance(order, int) or not 1 <= order <= MAX_ORDER:
        raise ModelFileError(f"{p}: bad order {order!r}")
    vocab = Vocab.from_dict(meta["vocab"])
    est = meta["estimator"]
    m = NgramLM(order, "witten_bell" if est == "arpa" else est, meta["mode"], meta["tokenizer"],
                k=meta["k"], discount=meta["discount"], alpha=meta["alpha"],
                interpolate_unigram=meta["interpolate_unigram"], vocab=vocab)
    m.estimator = est
    V = len(vocab)
    m.predicted = _get(z, "predicted", "bool", V, p)
    m.keys = [_get(z, "keys1", "int64", V, p)]
    for n in range(2, order + 1):
        m.keys.append(_get(z, f"keys{n}", "int64", None, p))
    for n in range(2, order + 1):
        k = m.keys[n - 1]
        if len(k) and (k.min() < 0 or k.max() // V >= len(m.keys[n - 2])
                       or (np.diff(k) <= 0).any()):
            raise ModelFileError(f"{p}: keys{n} are not sorted valid n-gram keys")
    sizes = [len(k) for k in m.keys]
    if meta["has_counts"]:
        m.counts = [_get(z, f"count{n + 1}", "int64", sizes[n], p) for n in range(order)]
    if meta["has_tables"] != (est in ("arpa", "witten_bell", "absolute", "kneser_ney",
                                      "modified_kneser_ney")):
        raise ModelFileError(f"{p}: estimator {est!r} does not match the stored arrays")
    if meta["has_tables"]:
        logp = [_get(z, f"logp{n + 1}", "float64", sizes[n], p) for n in range(order)]
        logbow = [_get(z, f"logbow{n + 1}", "float64", sizes[n], p) for n in range(order - 1)]
        m.tables = Tables(logp, logbow, [tuple(d) for d in meta.get("discounts", [])])
    elif m.counts is None:
        raise ModelFileError(f"{p}: the model has neither counts nor probabilities")
    m._context_totals()
    return m
