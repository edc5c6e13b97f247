"""``--config run.toml`` for every train verb: a TOML file of the command's own options, with
the options given on the command line overriding it.

Keys are the option names (``lr = 0.5``, ``batch-size = 32`` or ``batch_size = 32``); values
keep their kind (an integer, a number, true/false, text) and the library checks their range as
for the command line; an unknown key is an error. A command adds
``ctx: typer.Context`` and ``config: Path = ConfigOption`` and calls :func:`options`::

    @app.command()
    def train(ctx: typer.Context, lr: float = typer.Option(1.0, "--lr"), ...,
              config: Path = ConfigOption) -> None:
        o = options(ctx, config)   # {"lr": 0.5, ...}: command line > TOML file > defaults
"""

from __future__ import annotations

import tomllib
import typing
from pathlib import Path
from typing import Any

import typer

from seqlm.errors import ConfigError, DataError
from seqlm.registry import coerce

ConfigOption = typer.Option(
    None, "--config", help="A TOML file of this command's options (name = value); options "
                           "given on the command line override it.")


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML file as a dict (DataError if it cannot be read or parsed)."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"{path} is not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read the config file {path}: {exc}") from None


def _hints(ctx: typer.Context) -> dict[str, Any]:
    """The command's options and their annotated types (from the command function itself)."""
    fn = ctx.command.callback
    hints = typing.get_type_hints(fn) if fn is not None else {}
    return {k: v for k, v in hints.items() if k not in ("ctx", "config", "return")}


def options(ctx: typer.Context, config: Path | None) -> dict[str, Any]:
    """Every option of the command: given on the command line, else from ``config``, else the
    default."""
    values = dict(ctx.params)
    values.pop("config", None)
    if config is None:
        return values
    hints, table = _hints(ctx), read_toml(config)
    unknown = sorted(k for k in table if k.replace("-", "_") not in hints)
    if unknown:
        raise ConfigError(f"{config}: unknown option(s) {', '.join(unknown)}; this command "
                          f"takes {', '.join(sorted(hints))}")
    for key, raw in table.items():
        name = key.replace("-", "_")
        source = ctx.get_parameter_source(name)
        if source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT"):
            continue  # the command line wins
        values[name] = _convert(f"{config}: option {key!r}", raw, hints[name])
    return values


def _convert(what: str, raw: Any, hint: Any) -> Any:
    """A TOML value as the option's type: kinds are kept (no 1.5 for an integer, a true/false
    for a flag), text becomes a Path where the option is a path."""
    if isinstance(raw, dict | list):
        raise ConfigError(f"{what} must be a single value, got {raw!r}")
    value = coerce(what, raw, hint)
    return Path(value) if hint is Path and isinstance(value, str) else value
