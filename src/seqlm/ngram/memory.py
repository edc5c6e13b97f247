"""How much memory is available, to refuse work that cannot fit instead of crashing midway."""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterator

# Measured peak of counting (compiled path, PTB and synthetic corpora of 10M-45M tokens, order 5):
# 110-140 bytes per token over the whole process, i.e. about 28 per position and order. A block
# of out-of-core counting (runs.count_tokens, 3.9M synthetic tokens, order 5) peaks at 129 bytes
# per token above the process's baseline (197 before its word matrices were built int32).
BYTES_PER_POSITION_AND_ORDER = 28


def available_bytes() -> int:
    """Memory available to a new allocation: Linux's MemAvailable (free plus reclaimable
    page cache), not MemFree; elsewhere the free pages, or a large default."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return 2 ** 34


def counting_bytes(n_positions: int, order: int) -> int:
    """Peak memory of counting ``order`` orders over ``n_positions`` tokens in memory (the
    measured figure above); above what is available, fit refuses and fit_file spills."""
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
