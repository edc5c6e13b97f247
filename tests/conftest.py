"""Test set-up: serve ../shared/data from a loopback HTTP server and use it as the mirror.

Every test reads real corpora through seqlm's own download path (mirror -> cache), with the
cache in a temporary folder so that no test touches the user's cache.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_data_dir() -> Path:
    """The project's shared reference data: $SEQLM_SHARED_DATA, else ../shared/data, else (for
    a clone made elsewhere, e.g. ``git clone . /tmp/x``) ../shared/data of its local origin."""
    env = os.environ.get("SEQLM_SHARED_DATA")
    if env:
        return Path(env)
    here = REPO.parent / "shared" / "data"
    if here.is_dir():
        return here
    origin = _local_origin()
    return origin.parent / "shared" / "data" if origin is not None else here


def _local_origin() -> Path | None:
    """The folder this checkout was cloned from, when that is a local path."""
    try:
        url = subprocess.run(["git", "-C", str(REPO), "config", "--get", "remote.origin.url"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(url.removeprefix("file://")) if url else None
    return path.resolve() if path is not None and path.is_dir() else None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def data_server() -> Iterator[str]:
    """Base URL of a loopback HTTP server over the shared data folder."""
    root = shared_data_dir()
    if not root.is_dir():
        pytest.fail(f"shared data folder not found at {root}; set SEQLM_SHARED_DATA")
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session", autouse=True)
def _mirror_env(data_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point SEQLM_MIRROR at the loopback server and SEQLM_CACHE at a session temp folder."""
    saved = {k: os.environ.get(k) for k in ("SEQLM_MIRROR", "SEQLM_CACHE")}
    os.environ["SEQLM_MIRROR"] = data_server
    os.environ["SEQLM_CACHE"] = str(tmp_path_factory.mktemp("seqlm-cache"))
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
