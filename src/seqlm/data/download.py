"""Download with checksum verification and safe archive extraction (no path traversal)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

from tqdm.auto import tqdm

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


def download(
    url: str,
    dest: str | os.PathLike[str],
    sha1: str | None,
    *,
    timeout: float = 30.0,
    progress: bool = True,
) -> Path:
    """Fetch ``url`` into ``dest`` via a temporary file; only a verified, complete file appears."""
    target = Path(dest)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    h = hashlib.sha1()
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                resp = urllib.request.urlopen(url, timeout=timeout)
            except (urllib.error.URLError, OSError, ValueError) as exc:
                reason = getattr(exc, "reason", exc)
                raise DatasetError(f"cannot download {url}: {reason}") from None
            with resp:
                total = resp.headers.get("Content-Length")
                expected = int(total) if total and total.isdigit() else None
                got = 0
                with tqdm(
                    total=expected, unit="B", unit_scale=True, desc=target.name,
                    disable=None if progress else True, leave=False,  # None: off when not a TTY
                ) as bar:
                    try:
                        while chunk := resp.read(CHUNK):
                            out.write(chunk)
                            h.update(chunk)
                            got += len(chunk)
                            bar.update(len(chunk))
                    except (OSError, ValueError) as exc:
                        raise DatasetError(f"download of {url} was interrupted: {exc}") from None
            if expected is not None and got != expected:
                raise DatasetError(
                    f"download of {url} was interrupted: got {got} of {expected} bytes"
                )
        digest = h.hexdigest()
        if sha1 is not None and digest != sha1:
            raise DatasetError(
                f"checksum mismatch for {url}: expected sha1 {sha1}, got {digest}"
            )
        commit_temp(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def _safe_member(name: str) -> PurePosixPath:
    p = PurePosixPath(name.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        raise DatasetError(f"archive member {name!r} would escape the target folder; refusing")
    return p


def extract_zip(archive: str | os.PathLike[str], dest: str | os.PathLike[str]) -> list[Path]:
    """Extract a zip into ``dest``, refusing absolute paths, ``..`` and symlinks."""
    out_dir = Path(dest)
    written: list[Path] = []
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise DatasetError(f"{archive} is not a valid zip archive") from None
    with zf:
        for info in zf.infolist():
            rel = _safe_member(info.filename)
            if info.is_dir() or not rel.parts:
                continue
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise DatasetError(f"archive member {info.filename!r} is a symlink; refusing")
            target = out_dir.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as out, zf.open(info) as src:
                    shutil.copyfileobj(src, out)
                commit_temp(tmp, target)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise
            written.append(target)
    return written
