"""The built-in datasets, one module each; every module here is imported, so each registers
itself (``@register_dataset``) without being listed anywhere."""

from __future__ import annotations

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
