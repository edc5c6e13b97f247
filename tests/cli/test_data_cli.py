"""CLI for data: normal runs, and every bad input gives one line on stderr and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from seqlm.cli.main import main


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = main(args)
    out, err = capsys.readouterr()
    return rc, out, err


def assert_one_line_error(rc: int, err: str, needle: str) -> None:
    assert rc == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("seqlm: error: ") and needle in lines[0]
    assert "Traceback" not in err


def test_list_and_info(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["data", "list"], capsys)
    assert rc == 0 and "ptb" in out and "jaychou" in out
    rc, out, _ = run(["data", "info", "ptb"], capsys)
    assert rc == 0 and "319d85e578af0cdc590547f26231e4e31cdf1e42" in out and "valid" in out


def test_stats_with_zipf(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    png = tmp_path / "zipf.png"
    rc, out, _ = run(["data", "stats", "timemachine", "--preset", "letters", "--zipf", str(png),
                      "--top-k", "2"], capsys)
    assert rc == 0 and "top 2 3-grams" in out and png.stat().st_size > 1000


def test_stats_chinese_chars(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["data", "stats", "jaychou", "--tokenizer", "char", "--top-k", "3"], capsys)
    assert rc == 0 and "types:" in out


def test_fetch_from_mirror(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["data", "fetch", "names"], capsys)
    assert rc == 0 and "names" in out


def _write(p: Path, data: bytes) -> Path:
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: _write(d / "e.txt", b""), "empty"),
        (lambda d: d, "is a directory"),
        (lambda d: _write(d / "b.bin", b"\x00\x01\x02"), "binary"),
        (lambda d: _write(d / "l.txt", b"\xff\xfeabc"), "UTF-8"),
    ],
)
def test_bad_files(make, needle: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                   capsys: pytest.CaptureFixture[str]) -> None:
    path = make(tmp_path)
    png = tmp_path / "never.png"
    rc, _, err = run(["data", "stats", str(path), "--zipf", str(png)], capsys)
    assert_one_line_error(rc, err, needle)
    assert not png.exists()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["data", "info", "wikitext"], "unknown dataset"),
        (["data", "stats", "nosuchcorpus"], "neither a file nor a registered dataset"),
        (["data", "stats", "ptb", "--split", "dev"], "no split"),
        (["data", "stats", "timemachine", "--top-k", "-1"], "top-k"),
        (["data", "stats", "timemachine", "--top-k", "x"], "--top-k"),
        (["data", "stats", "timemachine", "--tokenizer", "bpe"], "unknown tokenizer"),
        (["data", "stats", "timemachine", "--preset", "stem"], "preset"),
        (["data", "nosuchcommand"], "nosuchcommand"),
        (["--bogus"], "bogus"),
    ],
)
def test_bad_arguments(args: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(args, capsys)
    assert_one_line_error(rc, err, needle)


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["--version"], capsys)
    assert rc == 0 and out.startswith("seqlm ")
    rc, out, _ = run(["data", "--help"], capsys)
    assert rc == 0 and "stats" in out
