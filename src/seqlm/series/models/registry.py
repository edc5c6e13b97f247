"""Series models register themselves by name: one name for building, saving and loading.

``@register("kind", aliases=(...))`` on a Forecaster subclass that implements ``meta()`` (plain
values, possibly other models' records), ``state_dict()`` (tensors) and the classmethod
``restore(meta, state)``. ``record``/``from_record`` turn any registered model into a dict of
plain data and back (series/persist.py saves that dict). Models defined above this package (the
loop-trained ``mlp`` and ``latent`` of seqlm.apps.forecast) or in another package are found
through the entry-point group ``seqlm.series_models`` (pyproject.toml), so a saved ``mlp`` loads
by name without seqlm.series importing upwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from seqlm.errors import ConfigError, DataError
from seqlm.registry import Registry

# modules of seqlm.series.models that register a model
BUILTIN = ("baselines", "linear_ar", "direct", "hybrid", "preprocessed", "blend", "auto",
           "ensemble", "ets", "arima", "boxcox")
PLUGINS = "seqlm.series_models"  # entry-point group of modules that register a series model
_plugins_loaded = False
SERIES: Registry[type] = Registry("series model")  # the core registry mechanism
ALIASES: dict[str, str] = {}
T = TypeVar("T")


def register(kind: str, aliases: tuple[str, ...] = (),
             config: type | None = None) -> Callable[[type[T]], type[T]]:
    """Class decorator: the model is built, saved and loaded under ``kind``; with ``config``
    (a dataclass) :func:`build` makes it from that typed config via ``cls.from_config``."""

    def deco(cls: type[T]) -> type[T]:
        SERIES.add(kind, cls, config=config)  # raises ConfigError if another class has the name
        cls.kind = kind  # type: ignore[attr-defined]
        for a in aliases:
            ALIASES[a] = kind
        return cls

    return deco


def load_builtin(name: str | None = None) -> None:
    """Import the built-in model modules; then, when ``name`` is still unknown (or None: all
    are wanted), the modules of the ``seqlm.series_models`` entry points, once. Each registers
    itself on import (a built-in model is found without importing any plugin)."""
    import importlib

    for mod in BUILTIN:
        importlib.import_module(f"seqlm.series.models.{mod}")
    global _plugins_loaded
    if not _plugins_loaded and (name is None or name not in SERIES):
        _plugins_loaded = True
        load_plugins()


def load_plugins(group: str = PLUGINS) -> None:
    """Import every module an installed package declares in the entry-point ``group``; one
    that fails to import is a ConfigError naming it."""
    from importlib.metadata import entry_points

    for ep in sorted(entry_points(group=group), key=lambda e: e.name):
        try:
            ep.load()
        except Exception as exc:  # a broken plugin: say which, not a traceback
            raise ConfigError(f"series model plugin {ep.name!r} ({ep.value}) failed to "
                              f"load: {type(exc).__name__}: {exc}") from None


def canonical(name: str) -> str:
    """The registered name for ``name`` or one of its aliases (old spellings)."""
    kind = ALIASES.get(name, name)
    load_builtin(kind)
    kind = ALIASES.get(name, name)  # a plugin may have added the alias
    if kind not in SERIES:
        raise ConfigError(f"unknown model {name!r}; choose from {', '.join(names())}")
    return kind


def build(name: str, data: Any = None, /, **overrides: Any) -> Any:
    """A fresh model from its typed config: a config instance, a plain dict (TOML/JSON) or
    None (defaults), ``overrides`` on top; unknown keys and wrong types raise ConfigError."""
    kind = canonical(name)
    if SERIES.entry(kind).config is None:
        raise ConfigError(f"series model {kind!r} is a part of other models and has no config")
    return SERIES[kind].from_config(SERIES.config(kind, data, **overrides))  # type: ignore[attr-defined]


def dump_config(model: Any) -> dict[str, Any]:
    """``{"name": kind, "config": {...}}`` of a model built from a typed config."""
    return SERIES.dump(type(model).kind, model.config)


def names() -> list[str]:
    load_builtin()
    return sorted(SERIES.names())


def record(model: Any) -> dict[str, Any]:
    """``{"kind", "meta", "state"}`` of a fitted registered model."""
    kind = getattr(type(model), "kind", None)
    if kind is None or kind not in SERIES or SERIES[kind] is not type(model):
        raise DataError(f"cannot save a {type(model).__name__}: it is not a registered model")
    meta, state = getattr(model, "meta", None), getattr(model, "state_dict", None)
    return {"kind": kind, "meta": meta() if callable(meta) else {},
            "state": state() if callable(state) else {}}


def from_record(rec: Any, where: str = "model file") -> Any:
    """Rebuild a model from :func:`record`'s dict; a damaged record raises DataError."""
    if not isinstance(rec, dict):
        raise DataError(f"{where}: damaged model record (not a dict)")
    meta, state = rec.get("meta"), rec.get("state")
    if not isinstance(meta, dict) or not isinstance(state, dict):
        raise DataError(f"{where}: damaged model record ('meta' and 'state' must be dicts)")
    kind = rec.get("kind", meta.get("kind"))
    name = ALIASES.get(str(kind), str(kind))
    if name not in SERIES:
        load_builtin(name)
        name = ALIASES.get(str(kind), str(kind))
    if name not in SERIES:
        raise DataError(f"{where}: unknown model kind {kind!r}")
    cls = SERIES[name]
    try:
        return cls.restore(meta, state)  # type: ignore[attr-defined]
    except DataError:
        raise
    except (KeyError, TypeError, ValueError, RuntimeError, AttributeError, IndexError,
            ConfigError) as exc:
        raise DataError(f"{where}: damaged model file ({type(exc).__name__}: {exc})") from None
