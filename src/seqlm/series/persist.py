"""Save and load fitted forecasters: one torch file of plain data, read with weights_only=True.

The file holds the model's registry record (series/models/registry.py): its registered name,
plain metadata and tensors, so a newly registered model saves and loads with no edit here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seqlm.errors import DataError
from seqlm.io import atomic_path
from seqlm.series.models import Forecaster
from seqlm.series.models.registry import from_record, record

FORMAT = "seqlm-series-model/2"
OLD_FORMAT = "seqlm-series-model/1"  # {"meta": {"kind": ...}, "state": ...} at the top level


def save_model(model: Forecaster, path: str | Path, extra: dict[str, Any] | None = None) -> None:
    """Write the fitted model (plus ``extra`` plain metadata, e.g. the data split) atomically."""
    import torch

    rec = {"format": FORMAT, "model": record(model), "extra": extra or {}}
    with atomic_path(path) as tmp:
        torch.save(rec, tmp)


def load_model(path: str | Path) -> tuple[Forecaster, dict[str, Any]]:
    """Read a model written by :func:`save_model`; returns the model and its ``extra`` dict."""
    import torch

    p = Path(path)
    if not p.is_file():
        raise DataError(f"no such model file: {p}")
    try:
        rec = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:  # any unpickling failure means "not our file"
        raise DataError(f"{p}: not a seqlm series model ({type(exc).__name__})") from None
    if not isinstance(rec, dict) or rec.get("format") not in (FORMAT, OLD_FORMAT):
        raise DataError(f"{p}: not a seqlm series model file")
    extra = rec.get("extra", {})
    if not isinstance(extra, dict):
        raise DataError(f"{p}: damaged model file ('extra' must be a dict)")
    if rec["format"] == OLD_FORMAT:
        meta = rec.get("meta")
        rec = {"model": {"kind": meta.get("kind") if isinstance(meta, dict) else None,
                         "meta": meta, "state": rec.get("state")}}
    if "model" not in rec:
        raise DataError(f"{p}: damaged model file (no model record)")
    return from_record(rec["model"], str(p)), dict(extra)
