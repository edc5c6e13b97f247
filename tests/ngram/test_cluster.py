"""Counting on a 2-worker Dask cluster gives exactly the single-process model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from seqlm.data import read_text
from seqlm.ngram import NgramLM

from .test_streaming import assert_same_model

distributed = pytest.importorskip("dask.distributed", reason="needs seqlm[distributed] (Dask)")
FIX = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def test_two_workers_give_the_single_process_model(client: Any, tmp_path: Path) -> None:
    text = read_text(FIX / "small.train.txt")
    (tmp_path / "c.txt").write_text(text)
    m = NgramLM(4).fit_distributed(tmp_path / "c.txt", client, block_bytes=8000)
    assert_same_model(m, NgramLM(4).fit(text))  # every probability, backoff, count, discount
    kn = NgramLM(3, "kneser_ney").fit_distributed(tmp_path / "c.txt", client, block_bytes=20000)
    assert_same_model(kn, NgramLM(3, "kneser_ney").fit(text))
