"""seqlm.io: atomic writes with open()'s permissions, output-path checks, compressed and - input."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import mmap
import os
import stat
import sys
from pathlib import Path

import pytest

from seqlm.data import read_text
from seqlm.errors import ConfigError, DataError
from seqlm.io import (
    atomic_path,
    atomic_write,
    check_output_dir,
    check_output_path,
    current_umask,
    map_bytes,
    open_output,
    open_text,
    read_bytes,
)


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


@pytest.fixture
def umask():
    """Set a umask for one test and restore the old one afterwards."""
    saved = os.umask(0o022)
    os.umask(saved)
    yield lambda m: os.umask(m)
    os.umask(saved)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002, 0o027])
def test_new_file_gets_open_mode_under_any_umask(tmp_path: Path, umask, mask: int) -> None:
    umask(mask)
    assert current_umask() == mask
    with atomic_write(tmp_path / "a.txt") as fh:
        fh.write("x")
    with atomic_path(tmp_path / "b.png") as tmp:
        tmp.write_bytes(b"y")
    plain = tmp_path / "c.txt"
    with open(plain, "w") as fh:  # what an ordinary open() does: the reference
        fh.write("z")
    assert _mode(tmp_path / "a.txt") == _mode(tmp_path / "b.png") == _mode(plain) == 0o666 & ~mask


@pytest.mark.parametrize("old_mode", [0o644, 0o600, 0o640])
def test_overwriting_keeps_the_old_mode_like_open(tmp_path: Path, umask, old_mode: int) -> None:
    umask(0o077)
    p = tmp_path / "m.arpa"
    p.write_text("old")
    os.chmod(p, old_mode)
    with atomic_write(p) as fh:
        fh.write("new")
    assert p.read_text() == "new" and _mode(p) == old_mode


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path: Path) -> None:
    p = tmp_path / "keep.txt"
    p.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(p) as fh:
        fh.write("half")
        raise RuntimeError("boom")
    assert p.read_text() == "old" and sorted(tmp_path.iterdir()) == [p]


def test_output_path_checks(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ConfigError, match="empty"):
        check_output_path("")
    with pytest.raises(ConfigError, match="existing folder"):
        check_output_path(tmp_path)
    with pytest.raises(ConfigError, match="not a folder"):
        check_output_path(tmp_path / "afile" / "out.txt")
    with pytest.raises(ConfigError, match="not a folder"):
        check_output_path(tmp_path / "afile" / "deeper" / "out.txt")
    assert check_output_path(tmp_path / "new" / "out.txt") == tmp_path / "new" / "out.txt"
    with pytest.raises(ConfigError, match="not a folder"), atomic_write(tmp_path / "afile" / "o"):
        pass


def test_refuses_to_write_over_an_input_even_through_a_link(tmp_path: Path) -> None:
    corpus = tmp_path / "C.txt"
    corpus.write_text("a b c\n")
    (tmp_path / "link.txt").symlink_to(corpus)
    os.link(corpus, tmp_path / "hard.txt")
    for out in (corpus, tmp_path / "link.txt", tmp_path / "hard.txt", tmp_path / "." / "C.txt"):
        with pytest.raises(ConfigError, match="also an input"):
            check_output_path(out, [corpus])
    assert check_output_path(tmp_path / "model.arpa", [corpus, "-"]).name == "model.arpa"


def test_unwritable_folder_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o500)
    if os.geteuid() == 0:  # root may write anywhere: make os.access answer as for a user
        real = os.access
        monkeypatch.setattr(os, "access", lambda p, m: False if Path(p) == ro else real(p, m))
    try:
        with pytest.raises(ConfigError, match="no permission"):
            check_output_path(ro / "x.txt")
        with pytest.raises(ConfigError, match="no permission"):
            check_output_dir(ro / "run")
    finally:
        os.chmod(ro, 0o700)


def test_output_dir_checks(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(ConfigError, match="existing file"):
        check_output_dir(tmp_path / "f")
    with pytest.raises(ConfigError, match="empty"):
        check_output_dir(" ")
    with pytest.raises(ConfigError, match="not a folder"):
        check_output_dir(tmp_path / "f" / "run")
    assert check_output_dir(tmp_path / "run") == tmp_path / "run"


@pytest.mark.parametrize("opener,suffix", [(gzip.open, ".gz"), (bz2.open, ".bz2"),
                                           (lzma.open, ".xz")])
def test_compressed_text_is_read_transparently(tmp_path: Path, opener, suffix: str) -> None:
    text = "the time traveller\nüber 漢字\n" * 50
    for name in ("c.txt" + suffix, "misnamed.txt"):  # the magic number decides, not the name
        with opener(tmp_path / name, "wt", encoding="utf-8") as fh:
            fh.write(text)
        assert read_text(tmp_path / name) == text
        with open_text(tmp_path / name) as fh:
            assert fh.readline() == "the time traveller\n"


def test_damaged_archive_is_a_data_error(tmp_path: Path) -> None:
    p = tmp_path / "c.txt.gz"
    p.write_bytes(gzip.compress(b"hello world " * 1000)[:60])
    with pytest.raises(DataError, match="cannot read"):
        read_bytes(p)


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [b"from stdin\n", gzip.compress(b"from stdin\n", mtime=0)],
                         ids=["plain", "gzip"])
def test_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(data))
    assert read_text("-") == "from stdin\n"


def test_dash_writes_standard_output(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open_output("-") as fh:
        fh.write("to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"
    assert not (tmp_path / "-").exists()
    with open_output(tmp_path / "f.txt") as fh:
        fh.write("to file")
    assert (tmp_path / "f.txt").read_text() == "to file"


def test_map_bytes_maps_plain_files_and_reads_the_rest(tmp_path: Path) -> None:
    plain, packed, empty = tmp_path / "a.txt", tmp_path / "a.txt.gz", tmp_path / "e.txt"
    plain.write_bytes(b"one\ntwo\n")
    packed.write_bytes(gzip.compress(b"one\ntwo\n"))
    empty.write_bytes(b"")
    mapped = map_bytes(plain)
    assert isinstance(mapped, mmap.mmap) and mapped[:] == b"one\ntwo\n"
    assert map_bytes(packed) == b"one\ntwo\n" and map_bytes(empty) == b""
    with pytest.raises(DataError, match="no such file"):
        map_bytes(tmp_path / "missing.txt")
