"""How much memory is available, to refuse work that cannot fit instead of crashing midway."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator

BYTES_PER_POSITION_AND_ORDER = 48  # counting: keys, sort permutation, inverse, row ids (int64)


def available_bytes() -> int:
    """Physical memory currently available (a large default where the OS does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return 2 ** 34


def counting_bytes(n_positions: int, order: int) -> int:
    """Rough peak memory of counting ``order`` orders over ``n_positions`` tokens."""
    return n_positions * order * BYTES_PER_POSITION_AND_ORDER


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while tokenising: the million token strings and lists
    made there hold no cycles, yet trigger full collections (about 25% of PTB fit time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
