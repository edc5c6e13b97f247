"""Disk-backed arrays of the out-of-core fit: dropped pages leave the process but not the
data; only shared file mappings are ever dropped; appended rows read back as written."""

from __future__ import annotations

import mmap
import sys
from pathlib import Path

import numpy as np
import pytest

from seqlm.ngram.spool import Spool, chunks, drop


def resident_kb(path: Path) -> int:
    """Resident kB of this process's mappings of ``path`` (/proc/self/smaps)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and len(head) >= 5:  # a mapping's first line
            inside = line.endswith(str(path))
        elif inside and line.startswith("Rss:"):
            total += int(head[1])
    return total


@pytest.mark.skipif(not sys.platform.startswith("linux") or not hasattr(mmap, "MADV_DONTNEED"),
                    reason="reads /proc/self/smaps and needs MADV_DONTNEED (Linux)")
def test_dropped_pages_leave_the_process_and_the_data_stays(tmp_path: Path) -> None:
    a = Spool(tmp_path).empty(4 << 20, np.int64)  # 32 MB
    path = Path(a.filename)
    a[:] = np.arange(len(a))
    assert resident_kb(path) >= 30_000
    drop(a[: len(a) // 2])  # the first half only
    assert 14_000 <= resident_kb(path) <= 18_000
    drop(a)
    assert resident_kb(path) <= 100
    assert int(a[123_456]) == 123_456 and int(a.sum()) == (len(a) - 1) * len(a) // 2
    ro = np.memmap(path, dtype=np.int64, mode="r")
    assert int(ro[-1]) == len(a) - 1
    drop(ro[10:20])  # a slice that does not start on a page: the page it lies in goes


def test_drop_leaves_anonymous_and_copy_on_write_arrays_alone(tmp_path: Path) -> None:
    anon = np.arange(1 << 16)
    drop(anon, anon[::3])
    assert int(anon[-1]) == (1 << 16) - 1
    np.arange(1 << 16).tofile(tmp_path / "c.bin")
    cow = np.memmap(tmp_path / "c.bin", dtype=np.int64, mode="c")
    cow[:] = 7  # private changes that MADV_DONTNEED would throw away
    drop(cow)
    assert (cow == 7).all()


def test_appended_rows_read_back_and_chunks_cover_the_rows(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    app = spool.appender(np.int32, 3)
    parts = [np.arange(12, dtype=np.int64).reshape(4, 3), np.zeros((0, 3)), np.ones((2, 3))]
    for p in parts:
        app.write(p)
    got = app.finish()
    assert got.dtype == np.int32 and got.shape == (6, 3)
    assert np.array_equal(got, np.concatenate(parts).astype(np.int32))
    spool.discard(got)  # unlinked; the mapping still reads
    assert not Path(got.filename).exists() and int(got[5, 2]) == 1
    empty = spool.appender(np.bool_).finish()
    assert empty.shape == (0,) and spool.empty(0, np.float64).shape == (0,)
    assert list(chunks(10, 4)) == [(0, 4), (4, 8), (8, 10)] and list(chunks(0, 4)) == []


def test_a_full_disk_is_an_error_up_front_not_a_crash_later(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk under a spooled array is allocated when it is made: a full disk raises
    ENOSPC there (a sparse mapping would die of SIGBUS at its first write); a filesystem
    without fallocate gets an ordinary sized file."""
    import errno
    import os

    def full(fd: int, offset: int, length: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", full)
    with pytest.raises(OSError, match=r"no space left on device .* --temp-dir") as err:
        Spool(tmp_path).empty(1000, np.int64)
    assert err.value.errno == errno.ENOSPC

    def unsupported(fd: int, offset: int, length: int) -> None:
        raise OSError(errno.EOPNOTSUPP, "Operation not supported")

    monkeypatch.setattr(os, "posix_fallocate", unsupported)
    a = Spool(tmp_path).empty(1000, np.int64, 2)
    a[:] = 3
    assert a.shape == (1000, 2) and os.path.getsize(a.filename) == 16_000 and int(a.sum()) == 6000
