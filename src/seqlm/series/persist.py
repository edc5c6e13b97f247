"""Save and load fitted forecasters: one torch file of plain data, read with weights_only=True."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from seqlm.errors import DataError
from seqlm.io import atomic_path
from seqlm.series.models import (
    AutoregressiveMLP,
    Forecaster,
    LatentRNNForecaster,
    LinearAR,
    NaiveForecaster,
    SeasonalNaiveForecaster,
)

FORMAT = "seqlm-series-model/1"


def model_record(model: Forecaster) -> dict[str, Any]:
    """The model as a dict of plain values and tensors."""
    if isinstance(model, AutoregressiveMLP | LatentRNNForecaster):
        return {"meta": model.meta(), "state": model.state_dict()}
    if isinstance(model, LinearAR):
        return {"meta": model.to_dict(), "state": {}}
    if isinstance(model, SeasonalNaiveForecaster):
        return {"meta": {"kind": "seasonal_naive", "season": model.tau}, "state": {}}
    if isinstance(model, NaiveForecaster):
        return {"meta": {"kind": "naive"}, "state": {}}
    raise DataError(f"cannot save a {type(model).__name__}")


def save_model(model: Forecaster, path: str | Path, extra: dict[str, Any] | None = None) -> None:
    """Write the fitted model (plus ``extra`` plain metadata, e.g. the data split) atomically."""
    record = {"format": FORMAT, **model_record(model), "extra": extra or {}}
    with atomic_path(path) as tmp:
        torch.save(record, tmp)


def load_model(path: str | Path) -> tuple[Forecaster, dict[str, Any]]:
    """Read a model written by :func:`save_model`; returns the model and its ``extra`` dict."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"no such model file: {p}")
    try:
        record = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:  # any unpickling failure means "not our file"
        raise DataError(f"{p}: not a seqlm series model ({type(exc).__name__})") from None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise DataError(f"{p}: not a seqlm series model file")
    meta, state = record["meta"], record["state"]
    try:
        kind = meta["kind"]
        if kind == "mlp":
            model: Forecaster = AutoregressiveMLP.restore(meta, state)
        elif kind == "latent":
            model = LatentRNNForecaster.restore(meta, state)
        elif kind == "linear_ar":
            model = LinearAR.from_dict(meta)
        elif kind == "seasonal_naive":
            model = SeasonalNaiveForecaster(int(meta["season"]))
        elif kind == "naive":
            model = NaiveForecaster()
        else:
            raise DataError(f"{p}: unknown model kind {kind!r}")
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise DataError(f"{p}: damaged model file ({type(exc).__name__}: {exc})") from None
    return model, dict(record.get("extra", {}))
