"""One registry mechanism: things register themselves by name next to their own code.

A :class:`Registry` maps names to registered objects (a model class, an estimator, an RNN cell,
a series model, a dataset), each with an optional typed config dataclass (nanoGPT's
``GPTConfig`` style). The registry turns a plain dict (from JSON, TOML or a checkpoint) into that
typed config, builds the object from it, and writes the config back as plain JSON-able data::

    CELLS = Registry("RNN cell")

    @CELLS.register("toy", config=ToyConfig)
    class Toy: ...

    model = CELLS.build("toy", {"num_hiddens": 8})   # Toy(ToyConfig(num_hiddens=8))
    saved = CELLS.dump("toy", model.config)          # {"name": "toy", "config": {...}}
    again = CELLS.load(saved)

It sits at the bottom of the layers (beside errors.py), so ``seqlm.data`` can use it too.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from seqlm.errors import ConfigError, SeqlmError, require_int, require_number

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered thing: its name, the object, its config class (or None) and a summary."""

    name: str
    obj: T
    config: type | None = None
    help: str = ""


def _first_line(obj: Any) -> str:
    doc = getattr(obj, "__doc__", None) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


class Registry(Generic[T]):
    """Named things of one kind; ``kind`` names them in error messages ("RNN cell")."""

    def __init__(self, kind: str, error: type[SeqlmError] = ConfigError) -> None:
        self.kind = kind
        self.error = error
        self._entries: dict[str, Entry[T]] = {}

    # ----- registering
    def register(self, name: str, *, config: type | None = None,
                 help: str | None = None) -> Callable[[R], R]:
        """Decorator: register the decorated class or function under ``name``."""

        def deco(obj: R) -> R:
            self.add(name, obj, config=config, help=help)  # type: ignore[arg-type]
            return obj

        return deco

    def add(self, name: str, obj: T, *, config: type | None = None,
            help: str | None = None) -> T:
        """Register ``obj`` under ``name`` (a value such as a dataset, or a class); returns it.

        Registering the same object again under its name is a no-op (a module re-imported);
        a different object under a taken name is an error.
        """
        if not isinstance(name, str) or not name:
            raise ConfigError(f"a {self.kind} name must be a non-empty string, got {name!r}")
        if config is not None and not dataclasses.is_dataclass(config):
            raise ConfigError(f"the config of {self.kind} {name!r} must be a dataclass")
        old = self._entries.get(name)
        if old is not None and old.obj is not obj and _qualname(old.obj) != _qualname(obj):
            raise ConfigError(f"{self.kind} {name!r} is already registered ({old.obj!r})")
        self._entries[name] = Entry(name, obj, config, _first_line(obj) if help is None else help)
        return obj

    def unregister(self, name: str) -> None:
        """Remove ``name`` (for tests that register a toy thing)."""
        self._entries.pop(name, None)

    # ----- looking up
    def names(self) -> list[str]:
        """Registered names, in registration order."""
        return list(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def entry(self, name: str) -> Entry[T]:
        """The entry of ``name``; the registry's error (naming the choices) if unknown."""
        try:
            return self._entries[name]
        except (KeyError, TypeError):
            choices = ", ".join(self._entries) or "none registered"
            raise self.error(f"unknown {self.kind} {name!r}; choose one of {choices}") from None

    def __getitem__(self, name: str) -> T:
        return self.entry(name).obj

    def items(self) -> list[tuple[str, T]]:
        return [(k, e.obj) for k, e in self._entries.items()]

    # ----- typed configs
    def config(self, name: str, data: Any = None, /, **overrides: Any) -> Any:
        """The typed config of ``name`` from a config instance, a plain dict or None
        (defaults), with ``overrides`` on top; unknown keys and wrong types raise ConfigError."""
        cls = self.entry(name).config
        if cls is None:
            raise ConfigError(f"{self.kind} {name!r} has no config class")
        return make_config(cls, data, **overrides)

    def build(self, name: str, data: Any = None, /, **overrides: Any) -> Any:
        """Call the registered class/factory of ``name`` with its typed config."""
        return self.entry(name).obj(self.config(name, data, **overrides))  # type: ignore[operator]

    def dump(self, name: str, config: Any) -> dict[str, Any]:
        """``{"name": name, "config": {...}}``: plain JSON-able data (never a pickle)."""
        cls = self.entry(name).config
        if cls is None or not isinstance(config, cls):
            raise ConfigError(f"expected a {getattr(cls, '__name__', None)} for {self.kind} "
                              f"{name!r}, got {type(config).__name__}")
        return {"name": name, "config": config_to_dict(config)}

    def load(self, saved: Mapping[str, Any]) -> Any:
        """Build again from what :meth:`dump` wrote."""
        if not isinstance(saved, Mapping) or not isinstance(saved.get("name"), str):
            raise ConfigError(f"a saved {self.kind} must be a dict with a 'name' and a 'config'")
        return self.build(saved["name"], saved.get("config") or {})


def _qualname(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', repr(obj))}"


# ----- dataclass <-> plain dict
def config_to_dict(config: Any) -> dict[str, Any]:
    """A config dataclass as a plain dict (tuples become lists, nested configs dicts)."""
    if not dataclasses.is_dataclass(config) or isinstance(config, type):
        raise ConfigError(f"expected a config dataclass instance, got {type(config).__name__}")
    return {f.name: _plain(getattr(config, f.name)) for f in dataclasses.fields(config)}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return config_to_dict(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def make_config(cls: type[R], data: Any = None, /, **overrides: Any) -> R:
    """A ``cls`` instance from an instance, a dict or None, plus ``overrides`` (checked, typed;
    positional-only parameters, so a config field may be called ``data`` or ``cls``)."""
    if isinstance(data, cls):
        base = config_to_dict(data)
    elif data is None:
        base = {}
    elif isinstance(data, Mapping):
        base = dict(data)
    else:
        raise ConfigError(f"a {cls.__name__} must be built from a dict, got {type(data).__name__}")
    base.update(overrides)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}  # type: ignore[arg-type]
    unknown = sorted(set(base) - set(fields))
    if unknown:
        raise ConfigError(f"unknown {cls.__name__} setting(s): {', '.join(unknown)}; known: "
                          f"{', '.join(fields)}")
    hints = typing.get_type_hints(cls)
    kwargs = {k: coerce(f"{cls.__name__}.{k}", v, hints.get(k, Any)) for k, v in base.items()}
    try:
        return cls(**kwargs)
    except TypeError as exc:  # a required setting missing
        raise ConfigError(f"bad {cls.__name__}: {exc}") from None


def coerce(name: str, value: Any, hint: Any) -> Any:
    """``value`` checked against the type ``hint`` (int, float, bool, str, Literal, Optional,
    tuple, nested config dataclass); ints become floats where a float is wanted, lists tuples."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is Any or hint is object:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in (a for a in args if a is not type(None)):
            try:
                return coerce(name, value, arg)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(errors[0] if len(errors) == 1 else
                          f"{name}: {value!r} matches none of {hint}")
    if origin is typing.Literal:
        if value not in args:
            raise ConfigError(f"{name} must be one of {', '.join(map(repr, args))}, got {value!r}")
        return value
    if origin is tuple or hint is tuple:
        if not isinstance(value, list | tuple):
            raise ConfigError(f"{name} must be a list, got {value!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(coerce(name, v, args[0]) for v in value)
        return tuple(value)
    if origin is dict or origin is Mapping or hint is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(f"{name} must be a table/dict, got {value!r}")
        return dict(value)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return make_config(hint, value)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{name} must be true or false, got {value!r}")
        return value
    if hint is int:
        return require_int(name, value, low=None)
    if hint is float:
        return require_number(name, value, finite=False)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{name} must be a string, got {value!r}")
        return value
    return value


__all__ = ["Entry", "Registry", "coerce", "config_to_dict", "make_config"]
