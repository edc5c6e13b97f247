"""The dataset registry: named corpora, fetched once into a cache and verified by SHA-1.

Each dataset registers itself in its own file (``seqlm/data/datasets/``, or anywhere with
``@register_dataset``, see :mod:`seqlm.data.dataset`). Where files come from, in order:
1. the cache (``$SEQLM_CACHE``, else ``$XDG_CACHE_HOME/seqlm``, else ``~/.cache/seqlm``);
2. a mirror, if ``$SEQLM_MIRROR`` (or ``mirror=``) is set: an ``http(s)://`` or ``file://`` base
   URL under which each file sits at its ``mirror_path`` (the layout of the project's shared
   data folder), fetched and verified file by file; else the project's shared data folder
   (``$SEQLM_SHARED_DATA``, else ``../shared/data`` beside a source checkout) if there is one;
3. the dataset's canonical address (a file or a zip archive), verified, then extracted safely.
Each network step waits at most ``timeout`` seconds (``$SEQLM_TIMEOUT``, default 30) for an
answer, and no download may grow past the size the registry knows (else ``MAX_DOWNLOAD``).
"""

from __future__ import annotations

import os
from pathlib import Path

import seqlm.data.datasets  # noqa: F401  (the built-in datasets register themselves)
from seqlm.data.dataset import DATASETS, MAX_DOWNLOAD, DataFile, Dataset, register_dataset
from seqlm.data.download import DownloadError, download, extract_zip, sha1_file
from seqlm.errors import ConfigError, DatasetError

REGISTRY = DATASETS  # the older name
DEFAULT_TIMEOUT = 30.0

__all__ = ["DATASETS", "MAX_DOWNLOAD", "REGISTRY", "DataFile", "Dataset", "cache_dir",
           "cached_path", "dataset_path", "default_mirror", "fetch", "get_dataset", "is_cached",
           "register_dataset", "shared_data_dir"]


def default_timeout() -> float:
    """Seconds a network step may wait: ``$SEQLM_TIMEOUT`` or 30."""
    raw = os.environ.get("SEQLM_TIMEOUT")
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < 1e6:
        raise ConfigError(f"SEQLM_TIMEOUT must be a number of seconds > 0, got {raw!r}")
    return value


def cache_dir() -> Path:
    """Where datasets live: ``$SEQLM_CACHE``, ``$XDG_CACHE_HOME/seqlm`` or ``~/.cache/seqlm``."""
    env = os.environ.get("SEQLM_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "seqlm"


def shared_data_dir() -> Path | None:
    """The project's shared data folder, used as a mirror: ``$SEQLM_SHARED_DATA`` (set but
    missing or empty means none), else ``../shared/data`` beside a source checkout, else None."""
    env = os.environ.get("SEQLM_SHARED_DATA")
    if env is not None:
        return Path(env) if env and Path(env).is_dir() else None
    checkout = Path(__file__).resolve().parents[3]  # src/seqlm/data/registry.py -> the checkout
    shared = checkout.parent / "shared" / "data"
    if (checkout / "pyproject.toml").is_file() and shared.is_dir():
        return shared
    return None


def default_mirror() -> str | None:
    """The mirror ``fetch`` uses by default: ``$SEQLM_MIRROR``, else the shared data folder."""
    env = os.environ.get("SEQLM_MIRROR")
    if env:
        return env
    shared = shared_data_dir()
    return shared.as_uri() + "/" if shared else None


def get_dataset(name: str) -> Dataset:
    """Look up a registered dataset by name."""
    if name not in DATASETS:
        raise DatasetError(f"unknown dataset {name!r}; known: {', '.join(sorted(DATASETS))}")
    return DATASETS[name]


def cached_path(name: str, split: str | None = None) -> Path:
    """Where a dataset file sits in the cache (it may not be there yet)."""
    ds = get_dataset(name)
    f = ds.file(split or ds.splits[0])
    return cache_dir() / ds.name / f.mirror_path


def is_cached(name: str, split: str | None = None) -> bool:
    """True if the file is already in the cache."""
    return cached_path(name, split).is_file()


def _from_mirror(ds: Dataset, base: str, progress: bool, timeout: float) -> None:
    base = base if base.endswith("/") else base + "/"
    for f in ds.files:
        dest = cache_dir() / ds.name / f.mirror_path
        if not dest.is_file():
            download(base + f.mirror_path, dest, f.sha1, progress=progress, timeout=timeout,
                     max_bytes=f.size or MAX_DOWNLOAD)


def _from_canonical(ds: Dataset, progress: bool, timeout: float) -> None:
    root = cache_dir() / ds.name
    if ds.url is None and all(f.url for f in ds.files):  # published file by file
        for f in ds.files:
            dest = root / f.mirror_path
            if not dest.is_file():
                download(str(f.url), dest, f.sha1, progress=progress, timeout=timeout,
                         max_bytes=f.size or MAX_DOWNLOAD)
        return
    if ds.url is None:  # as unreachable as a source that does not answer
        raise DownloadError(f"dataset {ds.name!r} ({ds.files[0].mirror_path}) has no public "
                            "download address")
    if not ds.url.endswith(".zip"):
        download(ds.url, root / ds.files[0].mirror_path, ds.files[0].sha1,
                 progress=progress, timeout=timeout, max_bytes=ds.files[0].size or MAX_DOWNLOAD)
        return
    archive = root / ".download" / Path(ds.url).name
    download(ds.url, archive, ds.archive_sha1, progress=progress, timeout=timeout,
             max_bytes=ds.archive_size or MAX_DOWNLOAD)
    staging = root / ".download" / "extract"
    extract_zip(archive, staging, members={f.archive_member or f.mirror_path for f in ds.files},
                max_bytes=sum(f.size or MAX_DOWNLOAD for f in ds.files))
    for f in ds.files:
        src = staging / (f.archive_member or f.mirror_path)
        if not src.is_file():
            raise DatasetError(f"archive {ds.url} lacks {f.archive_member}")
        got = sha1_file(src)
        if got != f.sha1:
            raise DatasetError(
                f"checksum mismatch for {f.archive_member} in {ds.url}: "
                f"expected sha1 {f.sha1}, got {got}"
            )
        dest = root / f.mirror_path
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)


def fetch(
    name: str,
    *,
    mirror: str | None = None,
    progress: bool = True,
    timeout: float | None = None,
) -> Path:
    """Make sure every file of ``name`` is in the cache (download once), return its folder.

    ``timeout``: seconds each network step may wait (default ``$SEQLM_TIMEOUT`` or 30).
    """
    ds = get_dataset(name)
    timeout = default_timeout() if timeout is None else timeout
    root = cache_dir() / ds.name
    if all((root / f.mirror_path).is_file() for f in ds.files):
        return root
    base = mirror if mirror is not None else default_mirror()
    if base:
        _from_mirror(ds, base, progress, timeout)
        return root
    try:
        _from_canonical(ds, progress, timeout)
    except DownloadError as exc:
        raise DownloadError(
            f"{exc}; offline? set SEQLM_MIRROR (or --mirror) to a folder or server laid out "
            f"like the project's shared data folder, or put the files under {root}"
        ) from None
    return root


def dataset_path(name: str, split: str | None = None, **fetch_kwargs: object) -> Path:
    """Path of one split of a dataset in the cache, downloading it first if needed."""
    ds = get_dataset(name)
    f = ds.file(split or ds.splits[0])
    root = fetch(name, **fetch_kwargs)  # type: ignore[arg-type]
    return root / f.mirror_path
