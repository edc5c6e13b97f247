"""Out-of-core counting: many blocks spilled to disk and merged by ranges give exactly the
in-memory model (every probability and backoff, counts and discounts)."""

from __future__ import annotations

import bz2
from pathlib import Path

import numpy as np
import pytest

from seqlm.data import read_text
from seqlm.errors import ConfigError
from seqlm.ngram import NgramLM, streaming

FIX = Path(__file__).parent / "fixtures"


def assert_same_model(a: NgramLM, b: NgramLM) -> None:
    assert a.vocab.idx_to_token == b.vocab.idx_to_token
    assert a.num_ngrams == b.num_ngrams
    assert a.counts is not None and b.counts is not None
    assert a.tables is not None and b.tables is not None
    for n in range(a.order):
        np.testing.assert_array_equal(a.keys[n], b.keys[n])
        np.testing.assert_array_equal(a.counts[n], b.counts[n])
        np.testing.assert_array_equal(a.tables.logp[n], b.tables.logp[n])
    for n in range(a.order - 1):
        np.testing.assert_array_equal(a.tables.logbow[n], b.tables.logbow[n])
    assert a.discounts == b.discounts


@pytest.mark.usefixtures("both_paths")
def test_spilled_blocks_merge_to_the_in_memory_model(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    text = read_text(FIX / "small.train.txt")
    (tmp_path / "c.txt.bz2").write_bytes(bz2.compress(text.encode()))
    seen: dict[str, int] = {}
    count_blocks, merge = streaming._count_blocks, streaming._merge

    def spy_count(*a):  # type: ignore[no-untyped-def]
        runs, first = count_blocks(*a)
        seen["runs"] = len(runs)
        return runs, first

    def spy_merge(runs, V, order, memory, progress, spool):  # type: ignore[no-untyped-def]
        seen["ranges"] = memory // streaming.MERGE_BYTES_PER_ROW
        return merge(runs, V, order, memory, progress, spool)

    monkeypatch.setattr(streaming, "MIN_BLOCK", 1000)
    monkeypatch.setattr(streaming, "_count_blocks", spy_count)
    monkeypatch.setattr(streaming, "_merge", spy_merge)
    spill = tmp_path / "spill"
    spill.mkdir()
    m = streaming.fit_file(NgramLM(4), tmp_path / "c.txt.bz2", 200_000, spill)
    assert seen["runs"] >= 3 and seen["ranges"] < 4000  # many blocks; ranges of < 4000 rows
    assert_same_model(m, NgramLM(4).fit(text))
    assert not list(spill.iterdir())  # the runs are removed
    big = NgramLM(4).fit_file(tmp_path / "c.txt.bz2", memory="1G")  # one block
    assert_same_model(big, m)


def test_memory_values_and_stream_mode_are_checked(tmp_path: Path) -> None:
    assert streaming.parse_memory("4G") == 4 << 30 and streaming.parse_memory("500M") == 500 << 20
    for bad in ("lots", "1K", "-3G", True):
        with pytest.raises(ConfigError):
            streaming.parse_memory(bad)  # type: ignore[arg-type]
    (tmp_path / "c.txt.gz").write_bytes(b"")
    with pytest.raises(ConfigError, match="sentence"):
        NgramLM(3, mode="stream").fit_file(tmp_path / "c.txt.gz", memory="1G")


@pytest.mark.usefixtures("both_paths")
@pytest.mark.parametrize("n,V", [(1, 7), (3, 50), (5, 10_000), (4, 2**31 - 1)])
@pytest.mark.parametrize("parts_sorted", [False, True])
@pytest.mark.parametrize("nparts", [1, 3, 4])
def test_merge_order_sums_equal_rows_in_lexicographic_order(n: int, V: int, parts_sorted: bool,
                                                            nparts: int) -> None:
    """Against a dictionary: parts with repeated rows (packed into one or several sort keys,
    by the vocabulary's bits) merge to the distinct rows, sorted, with summed counts; parts
    sorted as the counter makes them (distinct rows, in order) take the linear merge."""
    from collections import Counter

    from seqlm.ngram.runs import merge_order

    rng = np.random.default_rng(n)
    vocab = rng.integers(0, V, size=6)  # few distinct words, so rows repeat across parts
    parts = [vocab[rng.integers(0, 6, size=(40, n))].astype(np.int32) for _ in range(nparts)]
    if parts_sorted:
        parts = [np.unique(w, axis=0) for w in parts]
    counts = [rng.integers(1, 5, size=len(w)) for w in parts]
    starts = [rng.random(len(w)) < 0.1 for w in parts]
    want: Counter[tuple[int, ...]] = Counter()
    began: set[tuple[int, ...]] = set()
    for w, c, s in zip(parts, counts, starts, strict=True):
        for row, k, b in zip(map(tuple, w.tolist()), c.tolist(), s.tolist(), strict=True):
            want[row] += k
            if b:
                began.add(row)
    w, c, s = merge_order(parts, counts, starts)
    rows = list(map(tuple, w.tolist()))
    assert rows == sorted(want) and c.tolist() == [want[r] for r in rows]
    assert s.tolist() == [r in began for r in rows]


def test_a_text_that_fits_by_its_token_count_is_counted_in_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Long tokens: the file fails the 2-bytes-a-token size test, its counted tokens fit the
    cap, so no block is spilled (and the model is the in-memory one)."""
    text = "\n".join(" ".join(f"{'long' * 10}{(i * j) % 17}" for j in range(8)) for i in range(300))
    (tmp_path / "c.txt").write_text(text + "\n", encoding="utf-8")
    tokens = 300 * 10  # positions, <s> and </s> included
    cap = tokens * streaming.counting_bytes(1, 3)
    assert (tmp_path / "c.txt").stat().st_size // 2 * streaming.counting_bytes(1, 3) > cap

    def no_spill(*a):  # type: ignore[no-untyped-def]
        raise AssertionError("spilled although the tokens fit")

    monkeypatch.setattr(streaming, "_count_blocks", no_spill)
    assert_same_model(streaming.fit_file(NgramLM(3), tmp_path / "c.txt", cap),
                      NgramLM(3).fit(text))
    with pytest.raises(AssertionError, match="spilled"):  # and one byte less does spill
        streaming.fit_file(NgramLM(3), tmp_path / "c.txt", cap - 1)


def test_a_text_above_the_in_memory_size_is_counted_in_eighths(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A generous cap does not make a large text one block: blocks of at most an eighth of
    the text (so a block's counting peak stays below the rest of the fit); the model is still
    the in-memory one."""
    text = read_text(FIX / "small.train.txt")
    (tmp_path / "c.txt").write_text(text, encoding="utf-8")
    size = (tmp_path / "c.txt").stat().st_size
    seen: dict[str, int] = {}
    count_blocks = streaming._count_blocks

    def spy(model, path, block, tmp, progress):  # type: ignore[no-untyped-def]
        seen["block"] = block
        runs, first = count_blocks(model, path, block, tmp, progress)
        seen["runs"] = len(runs)
        return runs, first

    monkeypatch.setattr(streaming, "MIN_BLOCK", 1000)
    monkeypatch.setattr(streaming, "_count_blocks", spy)
    assert_same_model(streaming.fit_file(NgramLM(4), tmp_path / "c.txt", 1 << 30),
                      NgramLM(4).fit(text))
    assert not seen  # small (below IN_MEMORY_TOKENS): in memory, in one go
    monkeypatch.setattr(streaming, "IN_MEMORY_TOKENS", 100)
    assert_same_model(streaming.fit_file(NgramLM(4), tmp_path / "c.txt", 1 << 30),
                      NgramLM(4).fit(text))
    assert seen["block"] == -(-size // streaming.BLOCK_SHARE) and seen["runs"] >= 8


@pytest.mark.usefixtures("both_paths")
def test_out_of_core_tables_are_file_backed_and_made_in_chunks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Out of core, every order-sized array of the model lives in a memory-mapped file (the
    folder is gone once the fit returns: the mappings outlive it) and is made a few rows at
    a time; the model, and the file it is saved to, are the in-memory ones."""
    from seqlm.ngram import estimators, load, save, spool

    text = read_text(FIX / "small.train.txt")
    (tmp_path / "c.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(streaming, "MIN_BLOCK", 1000)
    monkeypatch.setattr(streaming, "IN_MEMORY_TOKENS", 100)
    monkeypatch.setattr(spool, "CHUNK_ROWS", 37)
    monkeypatch.setattr(estimators, "CHUNK_ROWS", 41)
    temp = tmp_path / "temp"
    temp.mkdir()
    m = streaming.fit_file(NgramLM(4), tmp_path / "c.txt", 1 << 30, temp)
    assert not list(temp.iterdir())
    assert m.counts is not None and m.tables is not None
    for n in range(1, 4):
        for a in (m.keys[n], m.counts[n], m.tables.logp[n], m.tables.logbow[n - 1]):
            assert isinstance(a, np.memmap), n
    ref = NgramLM(4).fit(text)
    assert_same_model(m, ref)
    save(m, tmp_path / "m.npz")
    save(ref, tmp_path / "ref.npz")
    assert (tmp_path / "m.npz").read_bytes() == (tmp_path / "ref.npz").read_bytes()
    assert_same_model(load(tmp_path / "m.npz"), ref)
