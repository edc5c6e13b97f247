"""Recurrent cells by name: each cell registers itself (``@CELLS.register``) with
:class:`~seqlm.rnn.config.RNNConfig`, so a checkpoint's ``config`` dict rebuilds its model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from seqlm.errors import ConfigError
from seqlm.registry import Registry
from seqlm.rnn.config import RNNConfig

T = TypeVar("T")

CELLS: Registry[Any] = Registry("model kind")
KINDS = CELLS  # the registered names (``"lstm" in KINDS``, ``list(KINDS)``)
LEGACY_KEYS = ("cell",)  # written by older checkpoints of the torch.nn models; implied by kind


def register_cell(name: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: register a :class:`~seqlm.rnn.base.SequenceModel` subclass as model
    kind ``name`` (it is built from an :class:`RNNConfig`, its ``kind`` is set to ``name``)."""

    def deco(cls: type[T]) -> type[T]:
        cls.kind = name  # type: ignore[attr-defined]
        CELLS.add(name, cls, config=RNNConfig)
        return cls

    return deco


def build_model(config: dict[str, Any]) -> Any:
    """Recreate a model from its ``config``: ``{"kind": name, **RNNConfig settings}``."""
    if not isinstance(config, dict) or "kind" not in config:
        raise ConfigError("a model config must be a dict with a 'kind' key")
    settings = {k: v for k, v in config.items() if k != "kind" and k not in LEGACY_KEYS}
    return CELLS.build(config["kind"], settings)
