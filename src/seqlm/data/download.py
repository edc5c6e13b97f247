"""Download with checksum verification and safe archive extraction (no path traversal)."""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Collection, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: leftovers are cleaned by age instead
    fcntl = None  # type: ignore[assignment]

from seqlm.data.dataset import MAX_DOWNLOAD
from seqlm.errors import DatasetError
from seqlm.io import commit_temp

CHUNK = 1 << 16


def sha1_file(path: str | os.PathLike[str]) -> str:
    """SHA-1 hex digest of a file, read in chunks."""
    h = hashlib.sha1()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class DownloadError(DatasetError):
    """A source could not be reached or stopped answering (not a bad file: a missing network)."""


def _lock(fd: int) -> None:
    """Hold an exclusive lock on our own temporary file while we write it (POSIX)."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _is_abandoned(path: Path) -> bool:
    """True if no live process holds ``path``'s lock (its writer was killed), or, where there
    are no file locks, if it has not changed for a day."""
    if fcntl is None:  # pragma: no cover - Windows
        return time.time() - path.stat().st_mtime > 86400
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a live writer holds it
    finally:
        os.close(fd)
    return True


def clean_leftovers(target: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files an earlier, killed run left for ``target`` (``.NAME.*.part``);
    a file another running download is still writing is left alone."""
    target = Path(target)
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    for p in target.parent.glob(f".{glob.escape(target.name)}.*.part"):
        if p.is_file() and _is_abandoned(p):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
                removed.append(p)
    return removed


@contextlib.contextmanager
def temp_beside(target: Path) -> Iterator[tuple[int, str]]:
    """A locked temporary ``.NAME.XXXX.part`` beside ``target``: removed on failure, committed
    by the caller (``commit_temp``); a killed run's leftovers are cleaned by the next one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        _lock(fd)
        yield fd, tmp
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _open_url(url: str, timeout: float) -> Any:
    import urllib.error  # lazily: http.client and email cost start-up time for every command
    import urllib.request

    try:
        return urllib.request.urlopen(url, timeout=timeout)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"cannot download {url}: {reason}") from None


def _copy_capped(resp: Any, out: IO[bytes], url: str, max_bytes: int, bar: Any) -> str:
    """Copy the response into ``out``, never past ``max_bytes``; returns the SHA-1."""
    h = hashlib.sha1()
    got = 0
    try:
        while chunk := resp.read(CHUNK):
            got += len(chunk)
            if got > max_bytes:
                raise DatasetError(f"download of {url} exceeds {max_bytes:,} bytes, the most "
                                   f"this file may have; refusing (a broken or hostile source?)")
            out.write(chunk)
            h.update(chunk)
            bar.update(len(chunk))
    except (OSError, ValueError) as exc:
        raise DownloadError(f"download of {url} was interrupted: {exc}") from None
    expected = resp.headers.get("Content-Length")
    if expected and expected.isdigit() and got != int(expected):
        raise DownloadError(f"download of {url} was interrupted: got {got} of {expected} bytes")
    return h.hexdigest()


def download(
    url: str,
    dest: str | os.PathLike[str],
    sha1: str | None,
    *,
    timeout: float = 30.0,
    progress: bool = True,
    max_bytes: int = MAX_DOWNLOAD,
) -> Path:
    """Fetch ``url`` into ``dest`` via a temporary file; only a verified, complete file appears.

    At most ``max_bytes`` are accepted (a source announcing or sending more is refused), so a
    broken or hostile server cannot fill the disk.
    """
    target = Path(dest)
    with temp_beside(target) as (fd, tmp), os.fdopen(fd, "wb") as out:
        with _open_url(url, timeout) as resp:
            announced = resp.headers.get("Content-Length")
            total = int(announced) if announced and announced.isdigit() else None
            if total is not None and total > max_bytes:
                raise DatasetError(f"{url} announces {total:,} bytes, more than the {max_bytes:,} "
                                   f"this file may have; refusing")
            from tqdm.auto import tqdm

            with tqdm(total=total, unit="B", unit_scale=True, desc=target.name,
                      disable=None if progress else True, leave=False) as bar:
                digest = _copy_capped(resp, out, url, max_bytes, bar)
        if sha1 is not None and digest != sha1:
            raise DatasetError(f"checksum mismatch for {url}: expected sha1 {sha1}, got {digest}")
        out.flush()
        commit_temp(tmp, target)
    return target


def _safe_member(name: str) -> PurePosixPath:
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        raise DatasetError(f"archive member {name!r} would escape the target folder; refusing")
    return p


def extract_zip(archive: str | os.PathLike[str], dest: str | os.PathLike[str],
                members: Collection[str] | None = None,
                max_bytes: int = 4 * MAX_DOWNLOAD) -> list[Path]:
    """Extract a zip (only ``members`` if given) into ``dest``, refusing absolute paths, ``..``,
    symlinks, and archives that would expand past ``max_bytes`` (a zip bomb)."""
    out_dir = Path(dest)
    written: list[Path] = []
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise DatasetError(f"{archive} is not a valid zip archive") from None
    with zf:
        infos = [i for i in zf.infolist() if members is None or i.filename in members]
        declared = sum(i.file_size for i in infos)
        if declared > max_bytes:
            raise DatasetError(f"{archive} would expand to {declared:,} bytes, more than "
                               f"{max_bytes:,}; refusing")
        for info in infos:
            rel = _safe_member(info.filename)
            if info.is_dir() or not rel.parts:
                continue
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise DatasetError(f"archive member {info.filename!r} is a symlink; refusing")
            target = out_dir.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with temp_beside(target) as (fd, tmp), os.fdopen(fd, "wb") as out, \
                    zf.open(info) as src:
                shutil.copyfileobj(src, out)
                out.flush()
                commit_temp(tmp, target)
            written.append(target)
    return written
