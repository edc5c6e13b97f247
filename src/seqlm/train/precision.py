"""Can this machine train this model under bf16 autocast? One probing step says, before training.

On CPUs without AVX-512 BF16 (e.g. an AMD EPYC with AVX2 only), oneDNN has no bf16 LSTM
kernel: ``nn.LSTM`` under ``torch.autocast("cpu", torch.bfloat16)`` dies in its first step with
"could not create a primitive descriptor". The probe runs one forward and backward pass of a
*copy* of the model on the loader's first batch (the loader's generator and the RNGs are put
back, so the run is the one it would have been), and the loop falls back to float32 with one
line on stderr when it fails.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterable
from typing import Any

import torch
from torch import nn

from seqlm.errors import first_line
from seqlm.train.batches import to_device


def first_batch(loader: Iterable[Any]) -> Any:
    """The loader's next batch without moving it on (its state is saved and restored)."""
    saved = loader.state_dict() if hasattr(loader, "state_dict") else None
    source = loader if saved is not None else copy.deepcopy(loader)
    try:
        return next(iter(source), None)
    finally:
        if saved is not None:
            loader.load_state_dict(saved)  # type: ignore[attr-defined]


def bf16_failure(model: nn.Module, task: Any, batch: Any, device: torch.device) -> str | None:
    """None when one bf16-autocast training step of ``model`` runs here, else why not."""
    if batch is None:
        return None
    rng = (random.getstate(), torch.get_rng_state(),
           torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None)
    probe = copy.deepcopy(model)
    try:
        with torch.autocast(device.type, torch.bfloat16):
            out = task.step(probe, to_device(batch, device), None)
        out.loss_sum.backward()
        return None
    except RuntimeError as exc:
        return first_line(exc, 160)
    finally:
        del probe
        random.setstate(rng[0])
        torch.set_rng_state(rng[1])
        if rng[2] is not None:
            torch.cuda.set_rng_state_all(rng[2])
