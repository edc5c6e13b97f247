"""Test set-up: where the real corpora come from, and skipping honestly when they cannot.

Most tests run on small inputs kept in the repository (tests/fixtures/) or built by the test.
A test that needs a whole registered corpus says so with ``@pytest.mark.dataset("ptb")``; it
gets the corpus through seqlm's own registry, in this order:
1. the project's shared data folder (``$SEQLM_SHARED_DATA``, else ``../shared/data``, else the
   local origin's ``../shared/data``), served from a loopback HTTP server as ``SEQLM_MIRROR``,
   with the cache in a session temp folder (no test touches the user's cache);
2. without that folder: the user's cache (``seqlm data fetch ptb`` fills it), then the dataset's
   real source address, each with a short timeout; if none answers, the test is skipped with a
   reason that says what it needs.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
import threading
import types
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TIMEOUT_S = "10"  # per network step when the shared folder is missing
LABELS = {"ptb": "PTB", "timemachine": "Time Machine", "tinyshakespeare": "Tiny Shakespeare",
          "jaychou": "Jay Chou lyrics", "names": "surnames", "eng-cn": "English-Chinese pairs",
          "ud-en-ewt": "UD English-EWT"}
_available: dict[str, str | None] = {}  # dataset -> None (here) or the skip reason, per process


def load_script(path: Path, name: str) -> types.ModuleType:
    """Import a script that is not in a package (a bench) as module ``name``."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shared_data_dir() -> Path | None:
    """The project's shared reference data folder, or None when this machine has none.

    ``$SEQLM_SHARED_DATA`` wins (a missing folder there means none); else ``../shared/data``;
    else, for a clone made elsewhere (``git clone . /tmp/x``), its local origin's.
    """
    env = os.environ.get("SEQLM_SHARED_DATA")
    candidates = [Path(env)] if env else [REPO.parent / "shared" / "data"]
    origin = None if env else _local_origin()
    if origin is not None:
        candidates.append(origin.parent / "shared" / "data")
    return next((p for p in candidates if p.is_dir()), None)


def _local_origin() -> Path | None:
    """The folder this checkout was cloned from, when that is a local path."""
    try:
        url = subprocess.run(["git", "-C", str(REPO), "config", "--get", "remote.origin.url"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(url.removeprefix("file://")) if url else None
    return path.resolve() if path is not None and path.is_dir() else None


def needs_message(name: str) -> str:
    """The skip reason for a missing corpus: what it is and how to get it."""
    return (f"needs the {LABELS.get(name, name)} corpus: run `seqlm data fetch {name}` "
            f"or set SEQLM_SHARED_DATA")


def dataset_skip_reason(name: str) -> str | None:
    """None if ``name`` can be had (mirror, cache or source; fetched once), else why not."""
    if name not in _available:
        from seqlm.data.registry import fetch
        from seqlm.errors import DatasetError

        try:
            fetch(name, progress=False)
            _available[name] = None
        except DatasetError as exc:
            _available[name] = f"{needs_message(name)} ({exc})"
    return _available[name]


def item_skip_reason(item: pytest.Item) -> str | None:
    """Why ``item`` will be skipped before it runs (skip/skipif marks, datasets), or None."""
    from _pytest.skipping import evaluate_skip_marks

    skipped = evaluate_skip_marks(item)
    if skipped is not None:
        return skipped.reason
    for mark in item.iter_markers("dataset"):
        for name in mark.args:
            reason = dataset_skip_reason(name)
            if reason is not None:
                return reason
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "dataset(*names): needs these registered corpora (skipped with a reason "
        "when neither ../shared, the cache nor the source address has them)")
    config.addinivalue_line("markers", "slow: longer end-to-end checks (still run by CI)")
    _set_up_sources(config)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--skip-report", default=None, metavar="PATH",
                     help="with --collect-only: write JSON of how many tests would run or skip")


def pytest_collection_finish(session: pytest.Session) -> None:
    """``--collect-only --skip-report F``: decide every item's skip as the run would, to F."""
    path = session.config.getoption("--skip-report")
    if not path:
        return
    reasons = {item.nodeid: item_skip_reason(item) for item in session.items}
    skipped = {k: v for k, v in reasons.items() if v is not None}
    Path(path).write_text(json.dumps({"total": len(reasons), "skipped": skipped}))


@pytest.fixture(autouse=True)
def _needs_datasets(request: pytest.FixtureRequest) -> None:
    """Skip a ``dataset``-marked test whose corpus cannot be had, saying what it needs."""
    for mark in request.node.iter_markers("dataset"):
        for name in mark.args:
            reason = dataset_skip_reason(name)
            if reason is not None:
                pytest.skip(reason)


@pytest.fixture
def timemachine_excerpt() -> Path:
    """About 25 KB of The Time Machine (public domain), kept in the repository."""
    return FIXTURES / "timemachine_excerpt.txt"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(root: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}/", httpd


_SERVER: dict[str, object] = {}
_ENV_NAMES = ("SEQLM_MIRROR", "SEQLM_CACHE", "SEQLM_TIMEOUT")


def _set_up_sources(config: pytest.Config) -> None:
    """With the shared folder: SEQLM_MIRROR = a loopback server over it, SEQLM_CACHE = a temp
    folder. Without it: the user's own cache and the real sources, with short timeouts.
    Done at configure time so that collection (``--skip-report``) sees the same sources."""
    _SERVER["saved"] = {k: os.environ.get(k) for k in _ENV_NAMES}
    root = shared_data_dir()
    if root is None:
        os.environ.setdefault("SEQLM_TIMEOUT", TIMEOUT_S)
        return
    url, httpd = _serve(root)
    _SERVER.update(url=url, httpd=httpd)
    os.environ["SEQLM_MIRROR"] = url
    os.environ["SEQLM_CACHE"] = tempfile.mkdtemp(prefix="seqlm-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    httpd = _SERVER.pop("httpd", None)
    if isinstance(httpd, http.server.ThreadingHTTPServer):
        httpd.shutdown()
        httpd.server_close()
    cache = os.environ.get("SEQLM_CACHE", "")
    if "url" in _SERVER and Path(cache).name.startswith("seqlm-test-cache-"):
        shutil.rmtree(cache, ignore_errors=True)
    saved = _SERVER.pop("saved", {})
    for k, v in saved.items():  # type: ignore[union-attr]
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    _SERVER.clear()


@pytest.fixture(scope="session")
def data_server() -> str:
    """Base URL of the loopback HTTP server over the shared data folder (skips without it)."""
    if "url" not in _SERVER:
        pytest.skip("needs the project's shared data folder (../shared/data or "
                    "SEQLM_SHARED_DATA)")
    return str(_SERVER["url"])
