"""Files in and out: atomic durable writes, output-path checks, compressed and ``-`` streams.

Permissions: a file seqlm creates gets ``0o666 & ~umask``, and a file it replaces keeps its
mode, exactly as an ordinary ``open(path, "w")`` would (``mkstemp`` alone would make every file
0600). Every write goes to a temporary file beside the target, is fsynced, then renamed over it.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import mmap
import os
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO

from seqlm.errors import ConfigError, DataError

STDIO = "-"
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\xfd7zXZ\x00", "xz"),
)


def current_umask() -> int:
    """The process umask, read without changing it where the OS allows (Linux /proc)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # pragma: no cover - non-Linux fallback
    os.umask(mask)  # pragma: no cover
    return mask  # pragma: no cover


def _mode_for(target: Path) -> int:
    """The mode ``open(target, "w")`` would leave: the old file's, else 0666 minus the umask."""
    try:
        st = target.stat()
    except OSError:
        return 0o666 & ~current_umask()
    return stat.S_IMODE(st.st_mode) if stat.S_ISREG(st.st_mode) else 0o666 & ~current_umask()


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (best effort: some file systems refuse to open a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: str | os.PathLike[str]) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _replace_on_success(target: Path, suffix: str) -> Iterator[str]:
    """Yield a fresh temporary name beside ``target``; fsync, chmod and rename it on success."""
    check_output_path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    os.close(fd)
    try:
        yield tmp
        commit_temp(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def commit_temp(tmp: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Finish a temporary file: fsync it, give it ``open()``'s mode, rename it over ``target``."""
    _fsync_file(tmp)
    os.chmod(tmp, _mode_for(Path(target)))
    os.replace(tmp, target)
    _fsync_dir(Path(target).parent)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; rename it over ``path`` only if the block succeeds."""
    if "b" not in mode:
        kwargs.setdefault("encoding", "utf-8")
    with _replace_on_success(Path(path), ".tmp") as tmp, open(tmp, mode, **kwargs) as fh:
        yield fh


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path for a writer that wants a file name (savefig, torch.save)."""
    target = Path(path)
    with _replace_on_success(target, target.suffix) as tmp:
        yield Path(tmp)


@contextlib.contextmanager
def open_output(path: str | os.PathLike[str], mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Like :func:`atomic_write`, but ``-`` writes to standard output (text or binary)."""
    if str(path) == STDIO:
        out: IO[Any] = sys.stdout.buffer if "b" in mode else sys.stdout
        yield out
        out.flush()
        return
    with atomic_write(path, mode, **kwargs) as fh:
        yield fh


def check_output_path(path: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]
                      = (), *, what: str = "output") -> Path:
    """Refuse, with one clear ConfigError, an output path that cannot or must not be written.

    Refused: an empty path, an existing folder, a parent that is a file, a parent we may not
    write in, and a path that is one of ``inputs`` (writing over an input destroys it).
    """
    target = _nonempty(path, what)
    if target.is_dir():
        raise ConfigError(f"{what} {target} is an existing folder, expected a file path")
    for src in inputs:
        if str(src) != STDIO and same_file(target, src):
            raise ConfigError(f"{what} {target} is also an input; refusing to write over it")
    _check_parent(target, what)
    return target


def check_output_dir(path: str | os.PathLike[str], *, what: str = "output folder") -> Path:
    """Refuse an empty path, an existing file, or a place where the folder cannot be created."""
    target = _nonempty(path, what)
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{what} {target} is an existing file, expected a folder")
    _check_parent(target, what)
    return target


def _nonempty(path: str | os.PathLike[str], what: str) -> Path:
    if not os.fspath(path).strip():
        raise ConfigError(f"the {what} path is empty")
    return Path(path)


def _check_parent(target: Path, what: str) -> None:
    """The nearest existing ancestor must be a folder we may write in."""
    parent = _existing_parent(target)
    if not parent.is_dir():
        raise ConfigError(f"cannot write {what} {target}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigError(f"cannot write {what} {target}: no permission to write in {parent}")


def _existing_parent(target: Path) -> Path:
    """The nearest ancestor that exists (the folder mkdir would create the rest in)."""
    parent = target.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True if both paths name the same existing file (links and ``..`` resolved)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def compression_of(head: bytes) -> str | None:
    """``"gzip"``, ``"bz2"``, ``"xz"`` or None, from a file's first bytes (its magic number)."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return None


def _decompressing(raw: BinaryIO, kind: str | None) -> BinaryIO:
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if kind == "bz2":
        return bz2.BZ2File(raw, "rb")  # type: ignore[return-value]
    if kind == "xz":
        return lzma.LZMAFile(raw, "rb")  # type: ignore[return-value]
    return raw


@contextlib.contextmanager
def open_binary(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """Open a file (or ``-``: standard input) for reading bytes, decompressing gz/bz2/xz.

    The format is told by the first bytes, not the name. Missing files, folders and
    unreadable files raise DataError.
    """
    if str(path) == STDIO:
        stdin: Any = sys.stdin.buffer
        peekable: Any = stdin if hasattr(stdin, "peek") else io.BufferedReader(stdin)
        yield _decompressing(peekable, compression_of(peekable.peek(6)))
        return
    p = Path(path)
    if not p.exists():
        raise DataError(f"no such file: {p}")
    if p.is_dir():
        raise DataError(f"{p} is a directory, expected a file")
    try:
        raw: Any = open(p, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise DataError(f"cannot read {p}: {exc.strerror or exc}") from None
    with raw:
        kind = compression_of(raw.read(6))
        raw.seek(0)
        with contextlib.closing(_decompressing(raw, kind)) as fh:
            yield fh


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """All bytes of a file or ``-``, decompressed; a damaged archive raises DataError."""
    name = "standard input" if str(path) == STDIO else str(path)
    with open_binary(path) as fh:
        try:
            return fh.read()
        except (OSError, EOFError, lzma.LZMAError) as exc:
            raise DataError(f"cannot read {name}: {exc}") from None


def map_bytes(path: str | os.PathLike[str]) -> bytes | mmap.mmap:
    """All bytes of a file, as ``read_bytes`` gives them, but a plain (uncompressed, non-empty)
    regular file comes back as a read-only memory map: no copy of it in memory."""
    p = Path(path)
    if str(path) != STDIO and p.is_file():
        try:
            with open(p, "rb") as fh:
                if compression_of(fh.read(6)) is None and os.fstat(fh.fileno()).st_size:
                    return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except OSError:
            pass  # read_bytes names the problem
    return read_bytes(path)


@contextlib.contextmanager
def open_text(path: str | os.PathLike[str], encoding: str = "utf-8") -> Iterator[TextIO]:
    """Open text for reading: a file (plain, .gz, .bz2 or .xz) or ``-`` for standard input."""
    with open_binary(path) as raw:
        yield io.TextIOWrapper(raw, encoding=encoding, errors="strict")
