"""``seqlm rnn train --resume``: which options may change mid-run, and refusing the others by name.

A resumed run is the run that was started: its data, model, batching and optimiser settings
come from the checkpoint. Options that only say how long, where and how loudly to go on may
change (:data:`CHANGEABLE`, applied); any other option given on the command line (or in
``--config``) with a value other than the run's is refused, naming it, so that nothing is
silently ignored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seqlm.errors import ConfigError

# option -> the training setting it changes (and how the CLI's "0 = off" maps to it)
CHANGEABLE: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "epochs": ("epochs", lambda v: v),
    "time_limit": ("time_limit_s", lambda v: v or None),
    "clock": ("clock", lambda v: v),
    "patience": ("early_stop_patience", lambda v: v or None),
    "lr": ("lr", lambda v: v),
    "log_interval": ("log_interval", lambda v: v),
    "progress": ("progress", lambda v: v),
    "device": ("device", lambda v: v),
    "precision": ("precision", lambda v: v),
}
# options that need no check on resume (they are not settings of the run)
FREE = {"out", "resume", "overwrite", "threads", "config"}


def _get(run: dict[str, Any], *path: str, off: Any = None) -> Any:
    value: Any = run
    for key in path:
        value = (value or {}).get(key) if isinstance(value, dict) else None
    return off if value is None else value


# option -> its value in the saved run, in the option's own form ("0 = off" as 0)
def _top(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda r: r.get(key)


FIXED: dict[str, Callable[[dict[str, Any]], Any]] = {
    **{k: _top(k) for k in (
        "data", "split", "valid_split", "valid_frac", "level", "preset", "min_freq", "seed",
        "batch_size", "num_steps", "batching", "model")},
    "hidden": lambda r: _get(r, "cell", "num_hiddens"),
    "layers": lambda r: _get(r, "cell", "num_layers"),
    "embed": lambda r: _get(r, "cell", "embed_size", off=0),
    "dropout": lambda r: _get(r, "cell", "dropout"),
    "tie": lambda r: _get(r, "cell", "tie_weights"),
    "weight_drop": lambda r: _get(r, "cell", "weight_drop"),
    "nonlinearity": lambda r: _get(r, "cell", "nonlinearity"),
    "clip": lambda r: _get(r, "train", "clip", off=0),
    "optimizer": lambda r: _get(r, "train", "optimizer"),
    "weight_decay": lambda r: _get(r, "train", "weight_decay"),
    "anneal": lambda r: _get(r, "train", "anneal_factor", off=0),
    "lr_decay": lambda r: _get(r, "train", "lr_decay", off=0),
    "lr_decay_start": lambda r: _get(r, "train", "lr_decay_start"),
    "ema": lambda r: _get(r, "train", "ema_decay", off=0),
    "distill": lambda r: _get(r, "distill", "alpha", off=0),
    "distill_decay": lambda r: _get(r, "distill", "decay"),
    "distill_order": lambda r: _get(r, "distill", "order"),
    "distill_folds": lambda r: _get(r, "distill", "folds"),
}


def _same(saved: Any, given: Any) -> bool:
    if isinstance(saved, (int, float)) and isinstance(given, (int, float)):
        return float(saved) == float(given)
    return bool(saved == given)


def resume_overrides(saved_run: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The training settings to change, from the options ``given`` explicitly (name -> value);
    ConfigError naming every other given option whose value differs from the run's."""
    refused = []
    for name, value in given.items():
        if name in CHANGEABLE or name in FREE:
            continue
        if name not in FIXED:
            refused.append(f"--{name.replace('_', '-')}")
            continue
        saved = FIXED[name](saved_run)
        if saved is None and name.startswith("distill_"):
            continue  # no teacher in this run: its settings are moot only if --distill is
        if not _same(saved, value):
            refused.append(f"--{name.replace('_', '-')} (the run has {saved!r})")
    if refused:
        raise ConfigError("--resume continues the run as it was started; these options cannot "
                          f"change: {', '.join(refused)}. Drop them, or start a new run "
                          "(another --out, or --overwrite)")
    return {CHANGEABLE[k][0]: CHANGEABLE[k][1](v) for k, v in given.items() if k in CHANGEABLE}


def given_options(ctx: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The options set on the command line or in the ``--config`` file: ``values`` are all
    of them (the file merged in), ``ctx.params`` those of the command line and defaults."""
    out = {}
    for name, value in values.items():
        source = ctx.get_parameter_source(name)
        from_line = source is not None and source.name != "DEFAULT"
        if from_line or value != ctx.params.get(name, value):
            out[name] = value
    return out
