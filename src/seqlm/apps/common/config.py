"""Run settings from three layers: built-in defaults < a TOML file (``--config``) < the options
given on the command line. The TOML holds the settings' own keys at the top level and the
``[model]`` and ``[train]`` tables (a :class:`seqlm.train.TrainConfig`'s keys)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

from seqlm.errors import ConfigError


def read_toml(path: str | os.PathLike[str] | None) -> dict[str, Any]:
    """The TOML file as a dict ({} for None); unreadable or invalid TOML is a ConfigError."""
    if path is None:
        return {}
    try:
        with Path(path).open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"no such config file: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def layered(defaults: dict[str, Any], toml: dict[str, Any], given: dict[str, Any],
            table: str | None, keys: type) -> dict[str, Any]:
    """One table of settings: ``defaults``, then the TOML's ``table`` (top level if None),
    then ``given`` (options not None), restricted to the dataclass ``keys``' fields."""
    names = {f.name for f in fields(keys)}
    layer = toml.get(table, {}) if table else {k: v for k, v in toml.items()
                                                 if not isinstance(v, dict)}
    if not isinstance(layer, dict):
        raise ConfigError(f"[{table}] in the config file must be a table")
    unknown = set(layer) - names
    if unknown:
        where = f"[{table}]" if table else "the top level"
        raise ConfigError(f"unknown setting(s) at {where} of the config file: "
                          f"{', '.join(sorted(unknown))}")
    return {**defaults, **layer, **{k: v for k, v in given.items() if k in names and v is not None}}
