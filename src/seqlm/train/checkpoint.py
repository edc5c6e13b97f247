"""Checkpoints: one torch file of tensors and plain Python values, written atomically.

Only tensors, numbers, strings, lists, tuples and dicts go in, so the file loads with
``torch.load(weights_only=True)``: a pickle that would run code is refused, never executed.
Contents: format tag, model config + state, optimiser and scheduler state, vocabulary (dict),
training config, epoch/step, history, every RNG state (Python, NumPy, torch, CUDA, the loader's).
"""

from __future__ import annotations

import os
import pickle
import random
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import torch

from seqlm.io import atomic_path
from seqlm.train.errors import CheckpointError

FORMAT = "seqlm.checkpoint/1"
REQUIRED = ("format", "model_state", "epoch", "step")


def rng_state() -> dict[str, Any]:
    """Python, NumPy (legacy global) and torch RNG states, as plain values and tensors."""
    py = random.getstate()
    np_state: Any = np.random.get_state()
    state: dict[str, Any] = {
        "python": [py[0], list(py[1]), py[2]],
        "numpy": [np_state[0], torch.from_numpy(np.asarray(np_state[1]).astype(np.int64)),
                  int(np_state[2]), int(np_state[3]), float(np_state[4])],
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore what :func:`rng_state` captured (CUDA states only where a GPU is present)."""
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    name, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((name, keys.cpu().numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state["torch"].cpu())
    if "cuda" in state and torch.cuda.is_available():
        cuda = [s.cpu() for s in state["cuda"]][: torch.cuda.device_count()]
        torch.cuda.set_rng_state_all(cuda)


def save_checkpoint(path: str | os.PathLike[str], payload: dict[str, Any]) -> Path:
    """Write ``payload`` (plus the format tag) atomically: readers see the old file or the new."""
    target = Path(path)
    with atomic_path(target) as tmp:
        torch.save({"format": FORMAT, **payload}, tmp)
    return target


def load_checkpoint(path: str | os.PathLike[str],
                    map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Read a seqlm checkpoint safely (``weights_only=True``); anything else -> CheckpointError.

    ``map_location`` defaults to CPU, so a checkpoint written on a GPU loads anywhere.
    """
    p = Path(path)
    if not p.is_file():
        raise CheckpointError(f"checkpoint {p} does not exist")
    try:
        with warnings.catch_warnings():  # e.g. "Detected pickle protocol 4": the error says it
            warnings.simplefilter("ignore")
            ckpt = torch.load(p, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError:
        raise CheckpointError(
            f"{p} was refused: it is not a plain-data checkpoint (reading it would unpickle "
            f"arbitrary objects, which can run code)"
        ) from None
    except (RuntimeError, EOFError, OSError, ValueError, zipfile.BadZipFile, KeyError,
            AttributeError, TypeError, IndexError) as exc:
        raise CheckpointError(f"{p} is not a readable checkpoint ({type(exc).__name__})") from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise CheckpointError(f"{p} is not a seqlm checkpoint (expected format {FORMAT})")
    missing = [k for k in REQUIRED if k not in ckpt]
    if missing:
        raise CheckpointError(f"{p} is incomplete: missing {', '.join(missing)}")
    return ckpt


_RESUME_KINDS: dict[str, tuple[type, ...]] = {
    "model_state": (dict,), "optimizer_state": (dict,), "epoch": (int,), "step": (int,),
    "best": (int, float), "bad_epochs": (int,), "history": (list,), "intervals": (list,),
    "rng": (dict,), "loader": (dict, type(None)), "in_progress": (dict, type(None)),
}


def check_resumable(ckpt: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """CheckpointError, naming the field, unless ``ckpt`` has what a resume reads, of its kind
    (a damaged ``last.pt``: model_state not a dict, epoch a string, rng without python...)."""
    for key, kinds in _RESUME_KINDS.items():
        value = ckpt.get(key)
        if not isinstance(value, kinds) or isinstance(value, bool):
            raise CheckpointError(f"{path} cannot be resumed: {key!r} is "
                                  f"{type(value).__name__}, not {kinds[0].__name__}")
    if ckpt["epoch"] < 0 or ckpt["step"] < 0:
        raise CheckpointError(f"{path} cannot be resumed: negative epoch or step")
    rng = ckpt["rng"]
    shapes = {"python": (list, tuple), "numpy": (list, tuple), "torch": (torch.Tensor,)}
    for key, kinds in shapes.items():
        if not isinstance(rng.get(key), kinds):
            raise CheckpointError(f"{path} cannot be resumed: its rng state has no {key!r} part")


LEFTOVER_PATTERNS = (".last.pt.*", ".best.pt.*", ".epochs.csv.*", ".intervals.csv.*",
                     ".*.png.*")


def remove_leftovers(folder: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files an atomic write leaves when killed mid-write
    (``.last.pt.XXXX.pt``...) in a run folder; returns what was removed."""
    removed = []
    for pattern in LEFTOVER_PATTERNS:
        for p in Path(folder).glob(pattern):
            if p.is_file() and not p.is_symlink():
                p.unlink(missing_ok=True)
                removed.append(p)
    return removed


def check_finite_weights(state: dict[str, Any], path: str | os.PathLike[str]) -> None:
    """CheckpointError naming the first tensor of a model state that holds NaN or inf (such a
    model scores NaN and cannot sample)."""
    for name, value in state.items():
        if isinstance(value, torch.Tensor) and value.is_floating_point() and \
                not bool(torch.isfinite(value).all()):
            raise CheckpointError(f"{path} holds NaN or infinite weights ({name}): the run "
                                  f"diverged or the file is damaged")
