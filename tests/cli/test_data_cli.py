"""CLI for data: normal runs, and every bad input gives one line on stderr and exit 2."""

from __future__ import annotations

import gzip
import io
import json
import sys
import types
from collections import Counter
from pathlib import Path

import pytest

from seqlm.cli.main import main
from tests.data.sources import registered, write_toy


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


def test_stats_with_zipf(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                         timemachine_excerpt: Path) -> None:
    png = tmp_path / "zipf.png"
    rc, out, _ = run(["data", "stats", str(timemachine_excerpt), "--preset", "letters",
                      "--zipf", str(png), "--top-k", "2"], capsys)
    assert rc == 0 and "top 2 3-grams" in out and png.read_bytes()[:4] == b"\x89PNG"


def test_stats_chinese_chars(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    p = tmp_path / "zh.txt"
    text = "故事的小黄花\n从出生那年就飘着\n"
    p.write_text(text, encoding="utf-8")
    rc, out, _ = run(["data", "stats", str(p), "--tokenizer", "char", "--top-k", "3"], capsys)
    assert rc == 0 and f"types: {len(set(text))} " in out and f"tokens: {len(text)}\n" in out


def test_stats_json_is_one_object_matching_an_independent_count(
        capsys: pytest.CaptureFixture[str], timemachine_excerpt: Path) -> None:
    rc, out, _ = run(["data", "stats", str(timemachine_excerpt), "--json", "--top-k", "3"],
                     capsys)
    assert rc == 0 and out.count("\n") == 1
    got = json.loads(out)
    words = timemachine_excerpt.read_text(encoding="utf-8").split()
    counts = Counter(words)
    assert got["tokens"] == len(words) and got["types"] == len(counts)
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    assert [(e["ngram"], e["count"]) for e in got["top"]["1"]] == [([w], c) for w, c in top]


def test_stats_reads_compressed_standard_input(capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    data = gzip.compress(b"a b a\n", mtime=0)
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BufferedReader(
        io.BytesIO(data))))  # type: ignore[arg-type]
    rc, out, _ = run(["data", "stats", "-", "--json"], capsys)
    assert rc == 0 and json.loads(out)["tokens"] == 3


@pytest.mark.parametrize("where", ["folder", "under_file", "empty", "the_input", "link"])
def test_zipf_output_problems_are_one_line_and_write_nothing(
        where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "C.txt"
    corpus.write_text("the cat sat\n")
    (tmp_path / "link.png").symlink_to(corpus)
    out = {"folder": str(tmp_path), "under_file": str(corpus / "z.png"), "empty": "",
           "the_input": str(corpus), "link": str(tmp_path / "link.png")}[where]
    before = sorted(tmp_path.iterdir())
    rc, _, err = run(["data", "stats", str(corpus), "--zipf", out], capsys)
    needle = {"folder": "existing folder", "under_file": "not a folder", "empty": "empty",
              "the_input": "also an input", "link": "also an input"}[where]
    assert_one_line_error(rc, err, needle)
    assert corpus.read_text() == "the cat sat\n" and sorted(tmp_path.iterdir()) == before


def test_fetch_offline_mentions_the_mirror(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SEQLM_MIRROR", raising=False)
    monkeypatch.setenv("SEQLM_SHARED_DATA", "")
    monkeypatch.setenv("SEQLM_CACHE", str(tmp_path / "cache"))
    src = write_toy(tmp_path / "m", url="http://127.0.0.1:9/toy.txt")
    with registered(src.dataset):
        rc, _, err = run(["data", "fetch", "toy-corpus"], capsys)
    assert_one_line_error(rc, err, "SEQLM_MIRROR")


def test_own_tokenizer_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mytok_for_test.py").write_text(
        "def commas(text):\n    return [t for t in text.strip().split(',') if t]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    corpus = tmp_path / "c.txt"
    corpus.write_text("a b,a b,c\n")
    rc, out, _ = run(["data", "stats", str(corpus), "--tokenizer", "mytok_for_test:commas",
                      "--json"], capsys)
    assert rc == 0 and json.loads(out)["types"] == 2 and json.loads(out)["tokens"] == 3
    rc, _, err = run(["data", "stats", str(corpus), "--tokenizer", "no_such_mod_x:f"], capsys)
    assert_one_line_error(rc, err, "cannot import")


@pytest.mark.parametrize("verb", ["list", "info", "fetch", "stats"])
def test_every_data_verb_has_help_with_an_example(verb: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["data", verb, "--help"], capsys)
    assert rc == 0 and f"seqlm data {verb}" in out.split("Example:")[1]


@pytest.mark.dataset("names")
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
