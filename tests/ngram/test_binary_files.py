"""The memory-mapped binary format: opens without reading, old files load, crafted files get
one typed error (no RecursionError, MemoryError, NotImplementedError or zip bomb)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from seqlm.ngram import NgramLM, load_model, save_model
from seqlm.ngram.errors import ModelFileError

TEXT = "the cat sat on the mat\nthe dog sat on the log\na cat ran\nthe dog ran on"


@pytest.fixture()
def saved(tmp_path: Path) -> Path:
    save_model(NgramLM(3).fit(TEXT), tmp_path / "m.npz")
    return tmp_path / "m.npz"


def _rewrite(src: Path, dst: Path, **changes: np.ndarray) -> None:
    arrays = dict(np.load(src))
    arrays.update(changes)
    np.savez(dst, **arrays)  # an ordinary (old-style, unaligned) npz


def _meta(src: Path) -> dict:  # type: ignore[type-arg]
    return json.loads(bytes(np.load(src)["meta"]).decode())


def test_arrays_are_memory_mapped_aligned_and_scores_unchanged(saved: Path) -> None:
    m = load_model(saved)
    assert all(isinstance(k, np.memmap) for k in m.keys[1:])
    assert all(k.ctypes.data % 64 == 0 for k in m.keys[1:])  # aligned members
    ref = NgramLM(3).fit(TEXT)
    assert m.score("the cat sat on the log") == pytest.approx(ref.score("the cat sat on the log"))
    plain = dict(np.load(saved))  # np.load still reads the file: an ordinary npz
    np.testing.assert_array_equal(plain["keys3"], ref.keys[2])


def test_old_unaligned_npz_still_loads(saved: Path, tmp_path: Path) -> None:
    _rewrite(saved, tmp_path / "old.npz")
    m = load_model(tmp_path / "old.npz")
    assert m.score("a cat ran") == pytest.approx(NgramLM(3).fit(TEXT).score("a cat ran"))


def test_crafted_headers_are_one_typed_error(saved: Path, tmp_path: Path) -> None:
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    cases = {"deep": {"meta": np.frombuffer(deep, dtype=np.uint8)}}
    for key, value in (("order", True), ("order", 10**6), ("k", "x"), ("has_counts", 1)):
        meta = _meta(saved)
        meta[key] = value
        cases[f"{key}={value}"] = {"meta": np.frombuffer(json.dumps(meta).encode(), np.uint8)}
    for name, change in cases.items():
        _rewrite(saved, tmp_path / f"{name}.npz", **change)
        with pytest.raises(ModelFileError):
            load_model(tmp_path / f"{name}.npz")


def test_bad_values_are_refused_at_first_query(saved: Path, tmp_path: Path) -> None:
    lp = np.load(saved)["logp2"].copy()
    for name, bad in (("nan", np.nan), ("positive", 0.5)):
        lp2 = lp.copy()
        lp2[0] = bad
        _rewrite(saved, tmp_path / f"{name}.npz", logp2=lp2)
        m = load_model(tmp_path / f"{name}.npz")
        with pytest.raises(ModelFileError, match="logp2"):
            m.score("the cat")


def test_damaged_zips_declared_sizes_and_compressed_members(saved: Path, tmp_path: Path) -> None:
    raw = bytearray(saved.read_bytes())
    cd = raw.rindex(b"PK\x01\x02")  # a central directory entry: flip "version needed"
    flipped = raw.copy()
    flipped[cd + 6] = 0xFF
    (tmp_path / "flip.npz").write_bytes(flipped)
    huge = raw.copy()  # an .npy header declaring 10**12 elements in a small member
    at = huge.index(b"'shape': (")
    digits = huge[at + 10: huge.index(b",", at + 10)]
    huge[at + 10: at + 10 + len(digits)] = b"9" * len(digits)
    (tmp_path / "huge.npz").write_bytes(huge)
    with zipfile.ZipFile(tmp_path / "bomb.npz", "w", zipfile.ZIP_DEFLATED) as zf:
        for name in zipfile.ZipFile(saved).namelist():
            zf.writestr(name, zipfile.ZipFile(saved).read(name))
    (tmp_path / "cut.npz").write_bytes(raw[: len(raw) // 2])
    for name in ("flip", "huge", "bomb", "cut"):
        with pytest.raises(ModelFileError):
            m = load_model(tmp_path / f"{name}.npz")
            m.score("the cat")


def test_arpa_values_and_unwritable_tokens_are_refused(tmp_path: Path) -> None:
    from seqlm.errors import ConfigError
    from seqlm.ngram import save
    from seqlm.ngram.arpa import parse_arpa
    from seqlm.ngram.errors import ArpaError

    head = "\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n"
    tail = "-0.5\t</s>\n\n\\2-grams:\n-0.2\t<s> a\n\n\\end\\\n"
    assert parse_arpa(head + "-1\t<s>\t-0.2\n-0.5\ta\t-0.3\n" + tail).num_ngrams == [4, 1]
    for bad in ("-1\t<s>\t1e308\n-0.5\ta\n", "-1\t<s>\n-1_0\ta\n", "-1\t<s>\nnan\ta\n",
                "-1\t<s>\t-0.1\n0.5\ta\n"):
        with pytest.raises(ArpaError):
            parse_arpa(head + bad + tail)
    char = NgramLM(3, mode="stream", tokenizer="char").fit("ab a\nba b")
    with pytest.raises(ConfigError, match="npz"):
        save(char, tmp_path / "c.arpa")
    assert not (tmp_path / "c.arpa").exists()
    with pytest.raises(ConfigError, match="compressed"):
        save(NgramLM(2).fit(TEXT), tmp_path / "m.arpa.gz")
    assert not list(tmp_path.iterdir())
