"""The optional compiled helpers: ``_fastcount`` (tokenising, counting) and ``_fastquery``
(scoring), built from the C files beside this one.

They are used when built (``pip install -e .`` builds them where a C compiler is available)
unless the environment variable ``SEQLM_NO_CEXT`` is set to a non-empty value other than ``0``;
it is read at every call, so tests can compare the compiled and the numpy paths.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:  # not built (no compiler at install time): numpy everywhere
        return None


_COMPILED = _optional("seqlm.ngram._fastcount")
_QUERY = _optional("seqlm.ngram._fastquery")


def built() -> bool:
    """Whether the compiled extensions are importable (whatever ``SEQLM_NO_CEXT`` says)."""
    return _COMPILED is not None and _QUERY is not None


_ENV = getattr(os.environ, "_data", None)  # os.environ's own bytes mirror (POSIX)
_FAST_ENV = isinstance(_ENV, dict) and os.name == "posix"


def enabled() -> bool:
    """Whether SEQLM_NO_CEXT allows the compiled paths (cheap: scoring asks at every call)."""
    if _FAST_ENV:
        return _ENV.get(b"SEQLM_NO_CEXT", b"") in (b"", b"0")  # type: ignore[union-attr]
    return os.environ.get("SEQLM_NO_CEXT", "") in ("", "0")


def compiled() -> ModuleType | None:
    """The compiled counting module if built and not disabled by ``SEQLM_NO_CEXT``, else None."""
    return _COMPILED if enabled() else None


def query_module() -> ModuleType | None:
    """The compiled scoring module if built and not disabled by ``SEQLM_NO_CEXT``, else None."""
    return _QUERY if enabled() else None
