"""The optional compiled helpers (``seqlm.ngram._fastcount``, built from ``_fastcount.c``).

They are used when the extension was built (``pip install -e .`` builds it where a C compiler is
available) unless the environment variable ``SEQLM_NO_CEXT`` is set to a non-empty value other
than ``0``; it is read at every call, so tests can compare the compiled and the numpy paths.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

try:
    _COMPILED: ModuleType | None = importlib.import_module("seqlm.ngram._fastcount")
except ImportError:  # not built (no compiler at install time): numpy everywhere
    _COMPILED = None


def built() -> bool:
    """Whether the compiled extension is importable (whatever ``SEQLM_NO_CEXT`` says)."""
    return _COMPILED is not None


def compiled() -> ModuleType | None:
    """The compiled module if built and not disabled by ``SEQLM_NO_CEXT``, else None."""
    if os.environ.get("SEQLM_NO_CEXT", "") not in ("", "0"):
        return None
    return _COMPILED
