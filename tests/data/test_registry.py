"""The real download path against a loopback server: success, mismatch, missing, interrupted."""

from __future__ import annotations

import hashlib
import http.server
import os
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from seqlm.data import registry
from seqlm.data.download import download, extract_zip, sha1_file
from seqlm.data.registry import REGISTRY, cache_dir, dataset_path, fetch, get_dataset
from seqlm.errors import DatasetError
from tests.conftest import shared_data_dir


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEQLM_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_every_dataset_downloads_and_verifies(fresh_cache: Path) -> None:
    for name, ds in REGISTRY.items():
        root = fetch(name, progress=False)
        for f in ds.files:
            p = root / f.mirror_path
            assert sha1_file(p) == f.sha1 == sha1_file(shared_data_dir() / f.mirror_path)
    assert len(get_dataset("names").splits) == 18
    assert not [p for p in _files(fresh_cache) if p.name.endswith((".part", ".tmp"))]


def test_cache_is_used_second_time(fresh_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = dataset_path("timemachine")
    monkeypatch.setenv("SEQLM_MIRROR", "http://127.0.0.1:9/")  # nothing listens there
    assert dataset_path("timemachine") == p


def test_cache_dir_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SEQLM_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "seqlm"


def test_checksum_mismatch_leaves_nothing(
    fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = get_dataset("timemachine")
    bad = replace(ds, files=(replace(ds.files[0], sha1="0" * 40),))
    monkeypatch.setitem(REGISTRY, "timemachine", bad)
    with pytest.raises(DatasetError, match="checksum mismatch"):
        fetch("timemachine", progress=False)
    assert _files(fresh_cache) == []


def test_server_missing(fresh_cache: Path) -> None:
    with pytest.raises(DatasetError, match="cannot download"):
        fetch("timemachine", mirror="http://127.0.0.1:9/", progress=False, timeout=5)
    assert _files(fresh_cache) == []


def test_file_missing_on_server(fresh_cache: Path, data_server: str) -> None:
    with pytest.raises(DatasetError, match="cannot download"):
        download(data_server + "no-such-file.txt", fresh_cache / "x.txt", None, progress=False)
    assert _files(fresh_cache) == []


class _Truncating(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.write(b"x" * 1000)
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def truncating_server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Truncating)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_interrupted_download_leaves_no_partial_file(fresh_cache: Path,
                                                     truncating_server: str) -> None:
    with pytest.raises(DatasetError, match="interrupted"):
        fetch("timemachine", mirror=truncating_server, progress=False, timeout=10)
    assert _files(fresh_cache) == []


def test_canonical_archive_path_extracts_and_verifies(fresh_cache: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The canonical route (zip archive -> safe extraction -> per-file sha1), served by file://."""
    src = shared_data_dir()
    archive = tmp_path / "ptb.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for split in ("train", "valid", "test"):
            zf.write(src / "ptb" / f"ptb.{split}.txt", f"ptb/ptb.{split}.txt")
    digest = hashlib.sha1(archive.read_bytes()).hexdigest()
    ds = replace(get_dataset("ptb"), url=archive.as_uri(), archive_sha1=digest)
    monkeypatch.setitem(REGISTRY, "ptb", ds)
    monkeypatch.delenv("SEQLM_MIRROR")
    p = dataset_path("ptb", "test")
    assert sha1_file(p) == ds.file("test").sha1
    # A wrong archive checksum is refused before extraction.
    monkeypatch.setitem(REGISTRY, "ptb", replace(ds, archive_sha1="1" * 40))
    monkeypatch.setenv("SEQLM_CACHE", str(tmp_path / "cache2"))
    with pytest.raises(DatasetError, match="checksum mismatch"):
        fetch("ptb", progress=False)


def test_no_public_address_says_how_to_mirror(fresh_cache: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEQLM_MIRROR")
    with pytest.raises(DatasetError, match="SEQLM_MIRROR"):
        fetch("eng-cn", progress=False)


@pytest.mark.parametrize("member", ["../evil.txt", "/abs/evil.txt", "a/../../evil.txt"])
def test_zip_path_traversal_refused(tmp_path: Path, member: str) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(member, "pwned")
    out = tmp_path / "out"
    with pytest.raises(DatasetError, match="escape"):
        extract_zip(archive, out)
    assert not (tmp_path / "evil.txt").exists() and _files(out) == []


def test_zip_symlink_refused(tmp_path: Path) -> None:
    archive = tmp_path / "link.zip"
    info = zipfile.ZipInfo("link")
    info.external_attr = (0o120777 << 16)
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(DatasetError, match="symlink"):
        extract_zip(archive, tmp_path / "out")


def test_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "x.zip"
    p.write_bytes(b"nope")
    with pytest.raises(DatasetError, match="not a valid zip"):
        extract_zip(p, tmp_path / "out")


def test_unknown_dataset_and_split() -> None:
    with pytest.raises(DatasetError, match="unknown dataset 'wikitext'"):
        get_dataset("wikitext")
    with pytest.raises(DatasetError, match="no split 'dev'"):
        dataset_path("ptb", "dev")


def test_registry_records_canonical_sources() -> None:
    assert registry.get_dataset("ptb").archive_sha1 == "319d85e578af0cdc590547f26231e4e31cdf1e42"
    assert os.path.basename(str(get_dataset("timemachine").url)) == "timemachine.txt"
