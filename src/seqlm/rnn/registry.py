"""Recurrent cells by name: each cell registers itself (``@CELLS.register``) with
:class:`~seqlm.rnn.config.RNNConfig`, so a checkpoint's ``config`` dict rebuilds its model."""

from __future__ import annotations

from typing import Any

from seqlm.errors import ConfigError
from seqlm.registry import Registry

CELLS: Registry[Any] = Registry("model kind")
KINDS = CELLS  # the registered names (``"lstm" in KINDS``, ``list(KINDS)``)
LEGACY_KEYS = ("cell",)  # written by older checkpoints of the torch.nn models; implied by kind


def build_model(config: dict[str, Any]) -> Any:
    """Recreate a model from its ``config``: ``{"kind": name, **RNNConfig settings}``."""
    if not isinstance(config, dict) or "kind" not in config:
        raise ConfigError("a model config must be a dict with a 'kind' key")
    settings = {k: v for k, v in config.items() if k != "kind" and k not in LEGACY_KEYS}
    return CELLS.build(config["kind"], settings)
