"""Series models register themselves by name: one name for building, saving and loading.

``@register("kind", aliases=(...))`` on a Forecaster subclass that implements ``meta()`` (plain
values, possibly other models' records), ``state_dict()`` (tensors) and the classmethod
``restore(meta, state)``. ``record``/``from_record`` turn any registered model into a dict of
plain data and back (series/persist.py saves that dict).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from seqlm.errors import ConfigError, DataError
from seqlm.registry import Registry

# modules of seqlm.series.models that register a model
BUILTIN = ("baselines", "linear_ar", "direct", "hybrid", "preprocessed", "blend", "auto", "mlp",
           "latent", "ensemble", "ets", "arima", "boxcox")
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


def load_builtin() -> None:
    """Import the built-in model modules (each registers itself on import)."""
    import importlib

    for mod in BUILTIN:
        importlib.import_module(f"seqlm.series.models.{mod}")


def canonical(name: str) -> str:
    """The registered name for ``name`` or one of its aliases (old spellings)."""
    load_builtin()
    kind = ALIASES.get(name, name)
    if kind not in SERIES:
        raise ConfigError(f"unknown model {name!r}; choose from {', '.join(names())}")
    return kind


def build(name: str, data: Any = None, **overrides: Any) -> Any:
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
        load_builtin()
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
