"""Disk-backed arrays for out-of-core fitting: order-sized arrays live in memory-mapped files
of a temporary folder and are worked through in chunks whose pages are handed back to the
kernel once used (``drop``, MADV_DONTNEED), so the process holds what it reads at random (one
order's keys or probabilities), not the whole model, as ``lmplz`` streams its files.

The files are unlinked when the folder is removed; their mappings stay valid (POSIX), so a
model fitted this way keeps its arrays until it is garbage-collected, and writing it out reads
them a chunk at a time. On a platform without ``madvise`` the pages simply stay resident.
"""

from __future__ import annotations

import contextlib
import errno
import mmap
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
from numpy.typing import DTypeLike

CHUNK_ROWS = 1 << 20  # rows worked through between two drops of their pages

Alloc = Callable[[int, DTypeLike], np.ndarray]


def in_memory(rows: int, dtype: DTypeLike) -> np.ndarray:
    """An ordinary (anonymous) array: the in-memory fit's allocator."""
    return np.empty(rows, dtype=dtype)


def chunks(rows: int, size: int | None = None) -> Iterator[tuple[int, int]]:
    """[a, b) ranges of at most ``size`` (default CHUNK_ROWS) rows covering ``rows``."""
    step = max(1, CHUNK_ROWS if size is None else size)
    for a in range(0, rows, step):
        yield a, min(rows, a + step)


def drop(*arrays: np.ndarray) -> None:
    """Hand back the resident pages under each array that is a shared file mapping (the data
    stays in the file; the next read faults it in again). Anything else is left alone: an
    anonymous or copy-on-write array would lose its contents."""
    for a in arrays:
        m = getattr(a, "_mmap", None)
        if m is None or getattr(a, "mode", "c") == "c" or not a.size:
            continue
        base = np.frombuffer(m, dtype=np.uint8).ctypes.data
        if a.flags.c_contiguous:
            release_pages(m, a.ctypes.data - base, a.ctypes.data - base + a.nbytes)
        else:  # a strided view: its whole mapping
            release_pages(m, 0, len(m))


def release_pages(m: mmap.mmap, start: int, end: int) -> None:
    """MADV_DONTNEED over bytes [start, end) of a shared mapping (from the page ``start`` lies
    in); a no-op where the platform lacks it."""
    if not hasattr(mmap, "MADV_DONTNEED") or not hasattr(m, "madvise"):
        return
    start -= start % mmap.PAGESIZE
    end = min(end, len(m))
    if end > start:
        m.madvise(mmap.MADV_DONTNEED, start, end - start)


def reserve(path: Path, nbytes: int) -> None:
    """Create ``path`` with ``nbytes`` of disk really allocated: a full disk is then an
    OSError here, not a SIGBUS when a page of a sparse mapping is first written."""
    with open(path, "wb") as fh:
        try:
            os.posix_fallocate(fh.fileno(), 0, nbytes)
        except (AttributeError, OSError) as exc:  # no fallocate here, or a filesystem without it
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                raise OSError(errno.ENOSPC, f"no space left on device for {nbytes} bytes in "
                              f"{path.parent} (give --temp-dir a larger disk)") from None
            fh.truncate(nbytes)


class Spool:
    """A folder of file-backed arrays: ``empty`` for arrays of known size (written in place),
    ``Appender`` for outputs whose length is known only at the end."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._made = 0

    def _path(self) -> Path:
        self._made += 1
        return self.folder / f"array{self._made}.bin"

    def empty(self, rows: int, dtype: DTypeLike, cols: int = 0) -> np.ndarray:
        """A new writable file-backed array of ``rows`` (x ``cols``) zeros (an ordinary empty
        array when there is nothing to map)."""
        shape = (rows, cols) if cols else (rows,)
        if rows == 0:
            return np.empty(shape, dtype=dtype)
        path = self._path()
        reserve(path, rows * max(cols, 1) * np.dtype(dtype).itemsize)
        return np.memmap(path, dtype=dtype, mode="r+", shape=shape)

    def discard(self, a: np.ndarray) -> None:
        """Unlink the file under a spooled array that is no longer needed (its disk space
        goes once the last mapping of it closes; a no-op where the platform refuses)."""
        name = getattr(a, "filename", None)
        if name is not None and Path(name).resolve().parent == self.folder.resolve():
            with contextlib.suppress(OSError):
                Path(name).unlink()

    def appender(self, dtype: DTypeLike, cols: int = 0) -> Appender:
        """An array written a piece at a time (plain file writes: no pages held)."""
        return Appender(self._path(), np.dtype(dtype), cols)


class Appender:
    """Rows appended to a file by ``write``; ``finish`` maps them read-only."""

    def __init__(self, path: Path, dtype: np.dtype, cols: int) -> None:
        self.path, self.dtype, self.cols, self.rows = path, dtype, cols, 0
        self._fh = open(path, "wb")  # noqa: SIM115 - closed by finish

    def write(self, a: np.ndarray) -> None:
        a = np.ascontiguousarray(a, dtype=self.dtype)
        self._fh.write(a.data)
        self.rows += len(a)

    def finish(self) -> np.ndarray:
        self._fh.close()
        shape = (self.rows, self.cols) if self.cols else (self.rows,)
        if self.rows == 0:
            return np.empty(shape, dtype=self.dtype)
        return np.memmap(self.path, dtype=self.dtype, mode="r", shape=shape)
