"""seqlm's own model file: numpy arrays in an .npz container, never pickle, memory-mapped
when opened (``npzmap.py``): opening PTB-5 takes milliseconds and reads no array data.

Holds per order the sorted keys, log-probabilities and log-backoffs (and raw counts when the
model has them), plus a JSON header (format, settings, vocabulary) stored as a uint8 array.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from seqlm.data.vocab import Vocab
from seqlm.io import atomic_path
from seqlm.ngram.errors import ModelFileError
from seqlm.ngram.estimators import Tables
from seqlm.ngram.model import MAX_ORDER, NgramLM
from seqlm.ngram.npzmap import MappedNpz, write_npz

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
        write_npz(fh, arrays)


MAX_META = 1 << 28  # bytes of JSON header (a vocabulary of millions of words fits)
SETTINGS = {"order": int, "estimator": str, "mode": str, "tokenizer": str, "k": float,
            "discount": float, "alpha": float, "interpolate_unigram": bool}


def load_model(path: str | os.PathLike[str]) -> NgramLM:
    """Open a model written by :func:`save_model` (or an older seqlm npz): arrays are
    memory-mapped, so this takes milliseconds; their contents are checked at the first query."""
    p = Path(path)
    if not p.is_file():
        if p.is_symlink() and not p.exists():
            raise ModelFileError(f"{p} is a broken symbolic link or a link loop")
        raise ModelFileError(f"no such file: {p}" if not p.exists() else f"{p} is not a file")
    z = MappedNpz(p)
    meta = _meta(z, p)
    order = meta["order"]
    vocab = Vocab.from_dict(meta["vocab"])
    V = len(vocab)
    keys = [z.get(f"keys{n}") for n in range(1, order + 1)]
    counts = [z.get(f"count{n}") for n in range(1, order + 1)] if meta["has_counts"] else None
    tables = None
    if meta["has_tables"]:
        tables = Tables([z.get(f"logp{n}") for n in range(1, order + 1)],
                        [z.get(f"logbow{n}") for n in range(1, order)],
                        [tuple(d) for d in meta.get("discounts", [])])
    settings = {k: meta[k] for k in SETTINGS}
    if len(z.get("predicted")) != V:
        raise ModelFileError(f"{p}: array 'predicted' has the wrong type or shape")
    return NgramLM.from_arrays(settings, vocab, keys, np.asarray(z.get("predicted")), counts,
                               tables, str(p))


def _meta(z: MappedNpz, p: Path) -> dict[str, Any]:
    """The JSON header, with every setting's type checked (``"order": true`` is not 1)."""
    info = z.members.get("meta")
    if info is None or info.file_size > MAX_META:
        raise ModelFileError(f"{p}: missing or oversized header")
    raw = z.get("meta")
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ModelFileError(f"{p}: array 'meta' has the wrong type or shape")
    try:
        meta = json.loads(bytes(raw).decode("utf-8"))
    except (ValueError, RecursionError):
        raise ModelFileError(f"{p}: the header is not valid JSON") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{p}: not a {FORMAT} file")
    for key, typ in SETTINGS.items():
        v = meta.get(key)
        ok = isinstance(v, typ) and not (typ is not bool and isinstance(v, bool))
        if typ is float and isinstance(v, int) and not isinstance(v, bool):
            ok = True
        if not ok:
            raise ModelFileError(f"{p}: setting {key!r} must be {typ.__name__}, got {v!r}")
    if not 1 <= meta["order"] <= MAX_ORDER:
        raise ModelFileError(f"{p}: bad order {meta['order']!r}")
    for key in ("has_counts", "has_tables"):
        if not isinstance(meta.get(key), bool):
            raise ModelFileError(f"{p}: {key!r} must be true or false")
    if not isinstance(meta.get("vocab"), dict):
        raise ModelFileError(f"{p}: the header has no vocabulary")
    return meta
