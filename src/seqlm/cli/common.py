"""What every command shares: seed/threads/json/overwrite options, bounded numbers, output.

Bounded options turn out-of-range input (``--seed -1``, ``--lr 1e308``, ``--hidden 2**63``)
into one usage line (``seqlm: error: ...``, exit 2) before any work starts.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from seqlm.errors import ConfigError
from seqlm.io import STDIO, check_output_dir, check_output_path

SEED_MAX = 2**32 - 1  # numpy's legacy seeding takes 32 bits; torch and random take more
SIZE_MAX = 2**31 - 1  # a count that still fits a C int (sizes, lengths, steps)
FLOAT_MAX = 1e12  # a finite float that leaves headroom before overflow in products and exp


def bounded_int(default: Any, *names: str, lo: int = 0, hi: int = SIZE_MAX,
                help: str = "") -> Any:
    """A Typer option for an int in ``[lo, hi]``; outside it is a one-line usage error."""
    return typer.Option(default, *names, min=lo, max=hi, help=help)


def _finite(name: str) -> Callable[[float | None], float | None]:
    def check(value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise typer.BadParameter(f"{value} is not a finite number", param_hint=name)
        return value

    return check


def bounded_float(default: Any, *names: str, lo: float = 0.0, hi: float = FLOAT_MAX,
                  help: str = "") -> Any:
    """A Typer option for a finite float in ``[lo, hi]`` (NaN and inf refused by name)."""
    return typer.Option(default, *names, min=lo, max=hi, help=help,
                        callback=_finite(names[0] if names else "value"))


SeedOption = bounded_int(0, "--seed", lo=0, hi=SEED_MAX,
                         help="Random seed (0..2^32-1): the same seed gives the same numbers.")
ThreadsOption = bounded_int(0, "--threads", lo=0, hi=1024,
                            help="CPU threads for torch (0 = the cores not already busy, by "
                                 "the load average: 1 on a loaded machine).")
JsonOption = typer.Option(False, "--json", help="Print one JSON object instead of text.")
OverwriteOption = typer.Option(
    False, "--overwrite", help="Replace an existing run folder instead of refusing."
)
ResumeOption = typer.Option(False, "--resume", help="Continue from OUT/last.pt exactly.")
# One vocabulary across the groups (issue 12; tests/cli/test_vocabulary.py): every verb that
# runs a neural model takes --device, default auto (a CUDA GPU when there is one, else the
# CPU), whether it trains or scores; every verb that trains or scores a corpus takes
# --progress/--no-progress, on by default (bars on stderr, gone when done).
DeviceOption = typer.Option("auto", "--device",
                            help="auto (a CUDA GPU when there is one), cpu or cuda.")
ProgressOption = typer.Option(True, "--progress/--no-progress",
                              help="Progress bars on stderr while training or scoring.")


def seed_everything(seed: int, threads: int | None = None) -> None:
    """Seed Python, NumPy and torch; set torch's CPU threads (the ``--threads`` value: 0 =
    :func:`idle_cores`; None = leave torch's choice)."""
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
    if threads is not None:
        torch.set_num_threads(threads or idle_cores(torch.get_num_threads()))


def idle_cores(most: int) -> int:
    """Threads that will not oversubscribe: the usable cores minus the 1-minute load average,
    at least 1, at most ``most``. (Measured on a shared 2-core machine at load ~35: 2 torch
    threads trained at 193 tok/s, 1 thread at 1,995 tok/s.)"""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover -- not on Linux
        cores = os.cpu_count() or 1
    busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return max(1, min(most, cores - math.ceil(busy - 0.5)))


def echo(msg: str = "") -> None:
    """Print a line of normal output."""
    typer.echo(msg)


def _plain(value: Any) -> Any:
    """JSON-ready: numpy scalars/arrays to Python, paths to str, NaN/inf to null."""
    import numpy as np

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return value


def emit_json(obj: dict[str, Any]) -> None:
    """Print one JSON object on one line (non-finite floats become null: strict JSON)."""
    typer.echo(json.dumps(_plain(obj), ensure_ascii=False, allow_nan=False))


def output_file(path: str | os.PathLike[str] | None, inputs: tuple[Any, ...] = (),
                what: str = "output", *, stdout_ok: bool = True) -> Path | None:
    """Check an output file option up front: one line for a path that cannot or must not be
    written (a folder, under a file, unwritable, empty, one of ``inputs``). ``-`` is standard
    output where ``stdout_ok``; None stays None."""
    if path is None:
        return None
    if os.fspath(path) == STDIO:
        if not stdout_ok:
            raise ConfigError(f"{what} cannot be standard output (-) here; give a file path")
        return Path(STDIO)
    return check_output_path(path, [i for i in inputs if i is not None], what=what)


def run_folder(path: str | os.PathLike[str], *, resume: bool = False,
               overwrite: bool = False) -> Path:
    """Check a run folder: refuse a non-empty existing one unless resuming or ``--overwrite``.

    With ``overwrite`` the old folder's contents are removed first (never the folder's parent).
    """
    target = check_output_dir(path, what="run folder")
    if target.is_dir() and any(target.iterdir()) and not resume:
        if not overwrite:
            raise ConfigError(
                f"run folder {target} already holds a run; pass --resume to continue it or "
                f"--overwrite to replace it"
            )
        for child in target.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    return target
