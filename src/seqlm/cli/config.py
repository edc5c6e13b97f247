"""``--config run.toml`` for every train verb: a TOML file of the command's own options, with
the options given on the command line overriding it.

Keys are the option names (``lr = 0.5``, ``batch-size = 32`` or ``batch_size = 32``), values
are checked and converted as on the command line; an unknown key is an error. A command adds
``ctx: typer.Context`` and ``config: Path = ConfigOption`` and calls :func:`options`::

    @app.command()
    def train(ctx: typer.Context, lr: float = typer.Option(1.0, "--lr"), ...,
              config: Path = ConfigOption) -> None:
        o = options(ctx, config)   # {"lr": 0.5, ...}: command line > TOML file > defaults
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import typer

from seqlm.errors import ConfigError, DataError

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


def _params(ctx: typer.Context) -> dict[str, Any]:
    """The command's parameters by every name a TOML key may use (identifier or long flag)."""
    names: dict[str, Any] = {}
    for p in ctx.command.params:
        if p.name is None or p.name == "config":
            continue
        names[p.name] = p
        for flag in getattr(p, "opts", []):
            if flag.startswith("--"):
                names[flag[2:]] = p
                names[flag[2:].replace("-", "_")] = p
    return names


def options(ctx: typer.Context, config: Path | None) -> dict[str, Any]:
    """Every option of the command: given on the command line, else from ``config``, else the
    default."""
    values = dict(ctx.params)
    values.pop("config", None)
    if config is None:
        return values
    params, table = _params(ctx), read_toml(config)
    unknown = sorted(k for k in table if k not in params)
    if unknown:
        known = sorted({p.name for p in params.values() if p.name})
        raise ConfigError(f"{config}: unknown option(s) {', '.join(unknown)}; this command "
                          f"takes {', '.join(known)}")
    for key, raw in table.items():
        param = params[key]
        assert param.name is not None
        source = ctx.get_parameter_source(param.name)
        if source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT"):
            continue  # the command line wins
        _check_kind(config, key, raw, param)
        try:
            values[param.name] = param.type_cast_value(ctx, raw)
        except typer.BadParameter as exc:
            raise ConfigError(f"{config}: option {key!r}: {exc.message}") from None
    return values


KINDS: dict[str, tuple[type, ...]] = {"boolean": (bool,), "integer": (int,),
                                      "integer range": (int,), "float": (int, float),
                                      "float range": (int, float)}


def _check_kind(config: Path, key: str, raw: Any, param: Any) -> None:
    """TOML values keep their kind: no table, no float where an integer is wanted, a true/false
    for a flag (click alone would truncate 1.5 to 1)."""
    kind = param.type
    want = () if isinstance(raw, dict | list) else KINDS.get(kind.name)
    if want is not None and (not isinstance(raw, want) or (bool not in want and
                                                           isinstance(raw, bool))):
        raise ConfigError(f"{config}: option {key!r} must be {kind.name}, got {raw!r}")
