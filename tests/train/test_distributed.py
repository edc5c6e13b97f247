"""DDP on CPU: two real processes (gloo, loopback, a free port) against one process.

After several clipped steps both ranks hold identical parameters, equal to a single-process
run on the combined batch (an LM over a carried-state stream and a regression MLP on shuffled
windows with an uneven last minibatch; the LM again under bf16 autocast, where the CPU runs
it); the validation figures are reduced over the ranks;
rank 0 alone prints and writes; a checkpoint written mid-epoch by 2 processes resumes in 1.
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from seqlm.train.distributed import (
    RankBatches,
    concat_states,
    shard_bounds,
    shard_state,
)
from tests.conftest import REPO
from tests.train.ddp_worker import CLIP, run

ATOL = 2e-5
BF16_ATOL, BF16_RTOL = 5e-4, 1e-2  # measured here: 9.8e-5 (parameters), 9e-4 (norms)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def two_ranks(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], list[str], Path]:
    out = tmp_path_factory.mktemp("ddp")
    port = free_port()
    procs = []
    for rank in range(2):
        env = {**os.environ, "RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": "2",
               "LOCAL_WORLD_SIZE": "2", "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port),
               "GLOO_SOCKET_IFNAME": "lo", "OMP_NUM_THREADS": "1",
               "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
        procs.append(subprocess.Popen([sys.executable, "-m", "tests.train.ddp_worker", str(out)],
                                      cwd=REPO, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    outputs = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=240)
        assert p.returncode == 0, stderr[-3000:]
        outputs.append(stdout)
    results = [torch.load(out / f"rank{r}.pt", weights_only=True) for r in range(2)]
    return results, outputs, out


def assert_same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor], atol: float) -> None:
    assert a.keys() == b.keys()
    for k in a:
        torch.testing.assert_close(a[k], b[k], atol=atol, rtol=0, msg=k)


@pytest.mark.parametrize("kind", ["lm", "series"])
def test_two_ranks_equal_one_process_on_the_combined_batch(two_ranks, kind: str) -> None:
    results, _, _ = two_ranks
    r0, r1 = results[0][kind], results[1][kind]
    assert (r0["rank"], r0["world"], r1["rank"], r1["world"]) == (0, 2, 1, 2)
    assert_same(r0["params"], r1["params"], atol=0.0)  # identical on both ranks
    single = run(kind, init_seed=0)
    assert single["world"] == 1
    assert_same(r0["params"], single["params"], atol=ATOL)
    # clipping happened on the same global norms, every step clipped
    assert len(r0["norms"]) == len(single["norms"]) >= 8
    torch.testing.assert_close(torch.tensor(r0["norms"]), torch.tensor(single["norms"]),
                               rtol=1e-4, atol=0)
    assert min(single["norms"]) > CLIP
    # the evaluation reduced over the ranks is the one-process figure
    for dist_row, one_row in zip(r0["history"], single["history"], strict=True):
        assert dist_row["valid_loss"] == pytest.approx(one_row["valid_loss"], rel=1e-5)
        assert dist_row["train_loss"] == pytest.approx(one_row["train_loss"], rel=1e-5)
        assert dist_row["items"] == one_row["items"]


def bf16_failure_here() -> str | None:
    """Why bf16 autocast cannot train TinyLM on this CPU (the trainer's own one-step probe),
    or None: detected, never assumed from the CPU's name."""
    from seqlm.train import LanguageModelTask
    from seqlm.train.precision import bf16_failure, first_batch
    from tests.train.ddp_worker import lm_parts

    model, train, _ = lm_parts(0)
    return bf16_failure(model, LanguageModelTask(), first_batch(train), torch.device("cpu"))


def test_bf16_two_ranks_equal_one_process_on_the_combined_batch(two_ranks) -> None:
    """DDP composes with --precision bf16: the same equalities, to bf16's tolerance, and the
    parameters are not the float32 run's (autocast really ran)."""
    why = bf16_failure_here()
    if why is not None:
        pytest.skip(f"bf16 autocast does not run on this CPU ({why}); the ranks trained in "
                    "float32")
    results, _, _ = two_ranks
    r0, r1 = results[0]["lm_bf16"], results[1]["lm_bf16"]
    assert r0["bf16"] and r1["bf16"]
    assert_same(r0["params"], r1["params"], atol=0.0)  # identical on both ranks
    single = run("lm", init_seed=0, precision="bf16")
    assert single["bf16"] and len(r0["norms"]) == len(single["norms"]) >= 8
    assert_same(r0["params"], single["params"], atol=BF16_ATOL)
    torch.testing.assert_close(torch.tensor(r0["norms"]), torch.tensor(single["norms"]),
                               rtol=BF16_RTOL, atol=0)
    fp32 = results[0]["lm"]["params"]  # the same 2-rank run in float32: without autocast
    assert max(float((r0["params"][k] - fp32[k]).abs().max()) for k in fp32) > ATOL  # it is 0


def test_rank_zero_alone_prints_and_writes(two_ranks) -> None:
    _, outputs, out = two_ranks
    assert outputs[0].strip() == "rank 0 done" and outputs[1] == ""
    assert sorted(p.name for p in (out / "run").iterdir()) == ["grad_norm.png", "intervals.csv",
                                                             "last.pt"]


def test_a_stop_on_one_rank_stops_both_and_resumes_in_one_process(two_ranks) -> None:
    results, _, out = two_ranks
    r0, r1 = results[0]["stopped"], results[1]["stopped"]
    assert r0["stopped"] == r1["stopped"] == "interrupted"  # rank 1 was never asked
    assert_same(r0["params"], r1["params"], atol=0.0)
    ckpt = torch.load(out / "run" / "last.pt", weights_only=True)
    assert ckpt["step"] == 13 and ckpt["in_progress"]["batches_done"] > 0  # mid-epoch
    assert ckpt["in_progress"]["state"].shape[1] == 6  # the whole global batch's state
    resumed = run("lm", init_seed=0, resume=out / "run" / "last.pt")
    assert_same(resumed["params"], run("lm", init_seed=0)["params"], atol=ATOL)


def test_shards_are_contiguous_and_cover_every_row() -> None:
    for rows in range(0, 12):
        for world in range(1, 5):
            bounds = [shard_bounds(rows, r, world) for r in range(world)]
            assert bounds[0][0] == 0 and bounds[-1][1] == rows
            assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
            sizes = [b - a for a, b in bounds]
            assert max(sizes) - min(sizes) <= 1


def test_rank_batches_split_rows_and_states_round_trip() -> None:
    X = torch.arange(30).reshape(6, 5)
    batches = [(X, X + 1, 7), (X[:1], X[:1], 7)]  # the second has fewer rows than ranks
    got = [list(RankBatches(batches, r, 2)) for r in range(2)]
    assert [len(g) for g in got] == [1, 1]  # the one-row batch is skipped on both ranks
    torch.testing.assert_close(torch.cat([got[0][0][0], got[1][0][0]]), X)
    assert got[1][0][2] == 7
    h = torch.randn(2, 6, 3)  # (layers, batch, hidden)
    c = torch.randn(6, 3)     # (batch, hidden)
    parts = [shard_state((h, c), r, 4) for r in range(4)]
    back = concat_states(parts)
    torch.testing.assert_close(back[0], h)
    torch.testing.assert_close(back[1], c)
