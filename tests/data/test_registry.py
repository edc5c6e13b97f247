"""The real download path, against toy sources on disk and on a loopback server: success,
mismatch, missing, interrupted, endless, leftovers; and every registered corpus for real."""

from __future__ import annotations

import fcntl
import hashlib
import http.server
import os
import stat
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from seqlm.data import registry
from seqlm.data.download import DownloadError, clean_leftovers, download, extract_zip, sha1_file
from seqlm.data.registry import REGISTRY, cache_dir, dataset_path, fetch, get_dataset
from seqlm.errors import DatasetError
from tests.conftest import shared_data_dir
from tests.data.sources import ToySource, registered, write_toy


@pytest.fixture
def fresh_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEQLM_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def toy(tmp_path: Path) -> Iterator[ToySource]:
    src = write_toy(tmp_path / "mirror")
    with registered(src.dataset):
        yield src


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.dataset(*REGISTRY)
def test_every_dataset_downloads_and_verifies(fresh_cache: Path) -> None:
    """Into an empty cache, from the shared folder's mirror (set up by conftest) or else the
    real sources; the corpora being in the user's cache (what the mark checks) is not enough,
    so without the shared folder an unreachable source skips (a bad checksum still fails)."""
    shared = shared_data_dir()
    for name, ds in REGISTRY.items():
        try:
            root = fetch(name, progress=False)
        except DownloadError as exc:
            if shared is not None:
                raise
            pytest.skip(f"needs the shared data folder or the network to download {name} "
                        f"into an empty cache: {exc}")
        for f in ds.files:
            p = root / f.mirror_path
            assert sha1_file(p) == f.sha1 and p.stat().st_size == f.size
            if shared is not None:
                assert sha1_file(shared / f.mirror_path) == f.sha1
    assert len(get_dataset("names").splits) == 18
    assert not [p for p in _files(fresh_cache) if p.name.endswith((".part", ".tmp"))]


def test_toy_mirror_fetch_then_cache(toy: ToySource, fresh_cache: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    p = dataset_path("toy-corpus", "valid", mirror=toy.mirror, progress=False)
    assert p.read_text() == (toy.folder / "toy/valid.txt").read_text()
    monkeypatch.setenv("SEQLM_MIRROR", "http://127.0.0.1:9/")  # nothing listens there
    assert dataset_path("toy-corpus", "valid") == p


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_downloaded_files_get_open_mode(toy: ToySource, fresh_cache: Path, mask: int) -> None:
    saved = os.umask(mask)
    try:
        root = fetch("toy-corpus", mirror=toy.mirror, progress=False)
    finally:
        os.umask(saved)
    modes = {stat.S_IMODE((root / f.mirror_path).stat().st_mode) for f in toy.dataset.files}
    assert modes == {0o666 & ~mask}


def test_cache_dir_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SEQLM_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "seqlm"


def test_checksum_mismatch_leaves_nothing(toy: ToySource, fresh_cache: Path) -> None:
    ds = toy.dataset
    bad = replace(ds, files=(replace(ds.files[0], sha1="0" * 40),))
    with registered(bad), pytest.raises(DatasetError, match="checksum mismatch"):
        fetch("toy-corpus", mirror=toy.mirror, progress=False)
    assert _files(fresh_cache) == []


def test_server_missing(toy: ToySource, fresh_cache: Path) -> None:
    with pytest.raises(DatasetError, match="cannot download"):
        fetch("toy-corpus", mirror="http://127.0.0.1:9/", progress=False, timeout=5)
    assert _files(fresh_cache) == []


def test_offline_canonical_source_says_how_to_mirror(tmp_path: Path, fresh_cache: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEQLM_MIRROR", raising=False)
    monkeypatch.setenv("SEQLM_SHARED_DATA", "")  # no shared folder either
    src = write_toy(tmp_path / "m", url="http://127.0.0.1:9/toy.zip")
    with registered(src.dataset), pytest.raises(DatasetError, match="SEQLM_MIRROR"):
        fetch("toy-corpus", progress=False, timeout=5)


def test_shared_data_folder_is_the_default_mirror(toy: ToySource, fresh_cache: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEQLM_MIRROR", raising=False)
    monkeypatch.setenv("SEQLM_SHARED_DATA", str(toy.folder))
    assert registry.default_mirror() == toy.mirror
    root = fetch("toy-corpus", progress=False, timeout=5)
    assert sorted(p.name for p in _files(root)) == sorted(Path(f.mirror_path).name
                                                          for f in toy.dataset.files)
    monkeypatch.setenv("SEQLM_MIRROR", "http://127.0.0.1:9/")  # an explicit mirror wins
    assert registry.default_mirror() == "http://127.0.0.1:9/"
    monkeypatch.delenv("SEQLM_MIRROR")
    monkeypatch.setenv("SEQLM_SHARED_DATA", str(toy.folder / "absent"))  # set but missing: none
    assert registry.shared_data_dir() is None and registry.default_mirror() is None


class _Folder(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(handler: type[http.server.BaseHTTPRequestHandler] | object) -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # type: ignore[arg-type]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def folder_server(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "served").mkdir()
    yield from _serve(lambda *a: _Folder(*a, directory=str(tmp_path / "served")))


def test_file_missing_on_server(fresh_cache: Path, folder_server: str) -> None:
    with pytest.raises(DatasetError, match="cannot download"):
        download(folder_server + "no-such-file.txt", fresh_cache / "x.txt", None, progress=False)
    assert _files(fresh_cache) == []


class _Truncating(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "1200")
        self.end_headers()
        self.wfile.write(b"x" * 1000)
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def truncating_server() -> Iterator[str]:
    yield from _serve(_Truncating)


class _Endless(http.server.BaseHTTPRequestHandler):
    """A hostile mirror: no Content-Length, bytes until the client gives up."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        try:
            while True:
                self.wfile.write(b"x" * 65536)
        except OSError:
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Announcing(_Truncating):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(10**12))
        self.end_headers()
        self.close_connection = True


@pytest.fixture
def endless_server() -> Iterator[str]:
    yield from _serve(_Endless)


@pytest.fixture
def announcing_server() -> Iterator[str]:
    yield from _serve(_Announcing)


def test_interrupted_download_leaves_no_partial_file(toy: ToySource, fresh_cache: Path,
                                                     truncating_server: str) -> None:
    with pytest.raises(DatasetError, match="interrupted"):
        fetch("toy-corpus", mirror=truncating_server, progress=False, timeout=10)
    assert _files(fresh_cache) == []


def test_endless_mirror_is_cut_at_the_known_size(toy: ToySource, fresh_cache: Path,
                                                 endless_server: str) -> None:
    with pytest.raises(DatasetError, match=f"exceeds {toy.dataset.files[0].size:,} bytes"):
        fetch("toy-corpus", mirror=endless_server, progress=False, timeout=10)
    assert _files(fresh_cache) == []


def test_stated_maximum_caps_a_file_of_unknown_size(fresh_cache: Path,
                                                     endless_server: str) -> None:
    with pytest.raises(DatasetError, match="exceeds 1,000,000 bytes"):
        download(endless_server + "x", fresh_cache / "x.txt", None, progress=False,
                 max_bytes=1_000_000)
    assert _files(fresh_cache) == []


def test_announced_size_over_the_cap_is_refused_before_reading(fresh_cache: Path,
                                                               announcing_server: str) -> None:
    with pytest.raises(DatasetError, match="announces 1,000,000,000,000 bytes"):
        download(announcing_server + "x", fresh_cache / "x.txt", None, progress=False)
    assert _files(fresh_cache) == []


def test_leftovers_of_a_killed_download_are_cleaned_next_time(toy: ToySource,
                                                              fresh_cache: Path) -> None:
    folder = fresh_cache / "toy-corpus" / "toy"
    folder.mkdir(parents=True)
    dead = folder / ".train.txt.k1ll3d.part"  # what kill -9 mid-download leaves
    dead.write_bytes(b"half")
    live = folder / ".train.txt.runn1n.part"  # another download still writing: locked
    live.write_bytes(b"busy")
    other = folder / ".valid.txt.abc.part"
    other.write_bytes(b"x")
    fd = os.open(live, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fetch("toy-corpus", mirror=toy.mirror, progress=False)
        assert not dead.exists() and live.exists() and not other.exists()
    finally:
        os.close(fd)
    assert clean_leftovers(folder / "train.txt") == [live]  # its writer is gone now


def test_canonical_archive_path_extracts_and_verifies(tmp_path: Path, fresh_cache: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The canonical route (zip archive -> safe extraction -> per-file sha1), served by file://."""
    monkeypatch.delenv("SEQLM_MIRROR", raising=False)
    monkeypatch.setenv("SEQLM_SHARED_DATA", "")  # no shared folder either
    src = write_toy(tmp_path / "src")
    archive = tmp_path / "toy.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in src.dataset.files:
            zf.write(src.folder / f.mirror_path, f.archive_member or f.mirror_path)
        zf.writestr("unrelated/big.bin", b"z" * 5000)  # not ours: never extracted
    digest = hashlib.sha1(archive.read_bytes()).hexdigest()
    ds = replace(src.dataset, url=archive.as_uri(), archive_sha1=digest)
    with registered(ds):
        p = dataset_path("toy-corpus", "valid")
        assert sha1_file(p) == ds.file("valid").sha1
        assert not (fresh_cache / "toy-corpus" / ".download" / "extract" / "unrelated").exists()
    # A wrong archive checksum is refused before extraction.
    monkeypatch.setenv("SEQLM_CACHE", str(tmp_path / "cache2"))
    with registered(replace(ds, archive_sha1="1" * 40)), pytest.raises(
            DatasetError, match="checksum mismatch"):
        fetch("toy-corpus", progress=False)


def test_no_public_address_says_how_to_mirror(fresh_cache: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEQLM_MIRROR", raising=False)
    monkeypatch.setenv("SEQLM_SHARED_DATA", "")  # no shared folder either
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


def test_zip_bomb_refused_by_declared_size(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("meta.txt", b"\0" * 3_000_000)  # a few KB on disk
    assert archive.stat().st_size < 20_000
    with pytest.raises(DatasetError, match="would expand to 3,000,000 bytes"):
        extract_zip(archive, tmp_path / "out", max_bytes=1_000_000)
    assert _files(tmp_path / "out") == []


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
