"""The registry of application models (classifier, tagger, translator): each registers itself
next to its code with a typed config, so a checkpoint's ``{"name", "config"}`` rebuilds it."""

from __future__ import annotations

from seqlm.registry import Registry

MODELS: Registry = Registry("application model")
