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

    def spy_merge(runs, V, order, memory, progress):  # type: ignore[no-untyped-def]
        seen["ranges"] = memory // streaming.MERGE_BYTES_PER_ROW
        return merge(runs, V, order, memory, progress)

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
