"""Checkpoints: exact resume (after an epoch and after Ctrl-C mid-epoch), safety, divergence."""

from __future__ import annotations

import os
import pickle
import signal
from pathlib import Path

import pytest
import torch

from seqlm.data import SeqDataLoader
from seqlm.train import (
    CheckpointError,
    LanguageModelTask,
    StreamBatches,
    TrainConfig,
    Trainer,
    TrainingDiverged,
    load_checkpoint,
    save_checkpoint,
)
from tests.train.tiny import LinearLM, TinyLM, corpus

TIMING = {"seconds", "items_per_s"}
FIXTURES = Path(__file__).parent / "fixtures"


def _trainer(out: Path, epochs: int, strategy: str = "sequential", **cfg: object) -> Trainer:
    torch.manual_seed(0)
    ids = corpus(900)
    train = SeqDataLoader(ids[:800], 4, 6, strategy=strategy, seed=3)  # type: ignore[arg-type]
    valid = StreamBatches(ids[800:], 2, 6)
    settings = {"lr": 0.5, "clip": 1.0, "log_interval": 5, "progress": False, "device": "cpu",
                **cfg}
    return Trainer(TinyLM(dropout=0.3), LanguageModelTask(), train, valid,
                   TrainConfig(epochs=epochs, **settings), out=out,  # type: ignore[arg-type]
                   vocab={"idx_to_token": list("abcdefg")})


def _numbers(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in TIMING} for r in rows]


def _same_params(a: torch.nn.Module, b: torch.nn.Module) -> None:
    for (na, pa), (nb, pb) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
        assert na == nb and torch.equal(pa, pb), na


@pytest.mark.parametrize("strategy,ema", [("sequential", None), ("random", None),
                                          ("sequential", 0.9)])
def test_resume_after_epoch_is_bit_for_bit(tmp_path: Path, strategy: str,
                                           ema: float | None) -> None:
    cfg = {"anneal_factor": 0.5, "anneal_patience": 0, "ema_decay": ema}
    full = _trainer(tmp_path / "full", 4, strategy, **cfg)
    ref = full.fit()
    part = _trainer(tmp_path / "part", 2, strategy, **cfg)
    part.fit()
    torch.manual_seed(123)  # the resumed run must not depend on the fresh process's RNG
    again = _trainer(tmp_path / "part", 4, strategy, **cfg)
    res = again.fit(resume=tmp_path / "part" / "last.pt")
    if ema is not None:  # the moving average is resumed too, not restarted
        assert again.average is not None and full.average is not None
        assert again.average.updates == full.average.updates
        for name, value in full.average.shadow.items():
            assert torch.equal(again.average.shadow[name], value), name
    assert _numbers(res.history) == _numbers(ref.history)
    assert _numbers(res.intervals) == _numbers(ref.intervals)
    _same_params(again.model, full.model)
    assert again.optimizer.state_dict()["param_groups"] == full.optimizer.state_dict()[
        "param_groups"]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_resume_on_cuda_matches(tmp_path: Path) -> None:
    """On a GPU (cuDNN kernels need not be bit-exact) a resumed run matches to 1e-4."""
    ref = _trainer(tmp_path / "full", 3, device="cuda").fit()
    _trainer(tmp_path / "part", 1, device="cuda").fit()
    res = _trainer(tmp_path / "part", 3, device="cuda").fit(resume=tmp_path / "part" / "last.pt")
    for a, b in zip(_numbers(res.history), _numbers(ref.history), strict=True):
        assert a == pytest.approx(b, rel=1e-4)


def test_ctrl_c_saves_evaluates_and_resumes_mid_epoch(tmp_path: Path) -> None:
    ref = _trainer(tmp_path / "full", 3, optimizer="adam", lr=0.01).fit()

    def interrupt(trainer: Trainer, step: int) -> None:
        if step == 40:  # in the middle of epoch 2 (about 33 batches per epoch)
            os.kill(os.getpid(), signal.SIGINT)

    cut = _trainer(tmp_path / "cut", 3, optimizer="adam", lr=0.01)
    cut.on_step = interrupt
    res = cut.fit()
    assert res.stopped == "interrupted" and len(res.history) == 1
    assert res.final["step"] == 40 and res.final["valid_ppl"] > 1  # evaluated after Ctrl-C
    ckpt = load_checkpoint(tmp_path / "cut" / "last.pt")
    assert ckpt["in_progress"]["batches_done"] == 40 - ref.history[0]["step"]  # mid-epoch 2
    torch.manual_seed(99)
    again = _trainer(tmp_path / "cut", 3, optimizer="adam", lr=0.01)
    res2 = again.fit(resume=tmp_path / "cut" / "last.pt")
    assert _numbers(res2.history) == _numbers(ref.history)
    assert _numbers(res2.intervals) == _numbers(ref.intervals)


def _runaway(out: Path, lr: float) -> Trainer:
    torch.manual_seed(0)
    train = SeqDataLoader(corpus(800), 4, 6, seed=3)
    cfg = TrainConfig(epochs=5, lr=lr, clip=None, progress=False, device="cpu")
    return Trainer(LinearLM(), LanguageModelTask(), train, StreamBatches(corpus(100), 2, 6),
                   cfg, out=out)


def test_divergence_stops_and_keeps_last_good_checkpoint(tmp_path: Path) -> None:
    tr = _runaway(tmp_path, 0.5)

    def too_high(row: dict) -> None:  # after epoch 1, a learning rate far too high, no clipping
        for g in tr.optimizer.param_groups:
            g["lr"] = 1e30

    saved: list[bytes] = []

    def save_then_raise(row: dict) -> None:
        saved.append((tmp_path / "last.pt").read_bytes())  # the epoch-1 checkpoint, just written
        too_high(row)

    tr.on_epoch = save_then_raise
    with pytest.raises(TrainingDiverged, match=r"diverged at epoch 2.*last good checkpoint"):
        tr.fit()
    assert (tmp_path / "last.pt").read_bytes() == saved[0]  # untouched by the diverged epoch
    ckpt = load_checkpoint(tmp_path / "last.pt")
    assert ckpt["epoch"] == 1 and ckpt["in_progress"] is None
    assert all(torch.isfinite(v).all() for v in ckpt["model_state"].values())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_divergence_from_the_start_writes_nothing(tmp_path: Path) -> None:
    tr = _runaway(tmp_path / "run", 1e30)
    with pytest.raises(TrainingDiverged, match=r"no checkpoint was written.*clip"):
        tr.fit()
    assert not (tmp_path / "run" / "last.pt").exists()


class _Marker:
    """Unpickling this would create a file: the loader must refuse, not execute it."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_malicious_pickle_is_refused_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    bad = tmp_path / "evil.pt"
    torch.save({"format": "seqlm.checkpoint/1", "payload": _Marker(str(marker))}, bad)
    assert not marker.exists()
    with pytest.raises(CheckpointError, match="refused"):
        load_checkpoint(bad)
    assert not marker.exists()
    raw = tmp_path / "raw.pkl"  # a plain (non-zip) pickle too
    raw.write_bytes(pickle.dumps(_Marker(str(marker))))
    with pytest.raises(CheckpointError):
        load_checkpoint(raw)
    assert not marker.exists()


@pytest.mark.parametrize("content", [b"hello, not a checkpoint", b"", b"PK\x03\x04junk"])
def test_not_a_checkpoint(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "x.pt"
    p.write_bytes(content)
    with pytest.raises(CheckpointError):
        load_checkpoint(p)


def test_torch_file_that_is_not_ours(tmp_path: Path) -> None:
    p = tmp_path / "weights.pt"
    torch.save({"weight": torch.zeros(2)}, p)
    with pytest.raises(CheckpointError, match="not a seqlm checkpoint"):
        load_checkpoint(p)
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoint(tmp_path / "missing.pt")


def test_resume_refuses_other_model_or_vocab(tmp_path: Path) -> None:
    _trainer(tmp_path, 1).fit()
    other = _trainer(tmp_path / "b", 2)
    other.model = TinyLM(hidden=5)
    with pytest.raises(CheckpointError, match="another model"):
        other.load(tmp_path / "last.pt")
    vocab = _trainer(tmp_path / "c", 2)
    vocab.vocab = {"idx_to_token": list("abcdefx")}
    with pytest.raises(CheckpointError, match="vocabulary"):
        vocab.load(tmp_path / "last.pt")


def test_save_is_atomic_and_plain(tmp_path: Path) -> None:
    p = save_checkpoint(tmp_path / "c.pt", {"model_state": {"w": torch.ones(2)}, "epoch": 1,
                                            "step": 3})
    ckpt = load_checkpoint(p)
    assert ckpt["step"] == 3 and torch.equal(ckpt["model_state"]["w"], torch.ones(2))
    assert [q.name for q in tmp_path.iterdir()] == ["c.pt"]


def test_gpu_checkpoint_loads_on_cpu() -> None:
    """A checkpoint written by a CUDA run (fixture, see fixtures/README) maps onto the CPU."""
    path = FIXTURES / "cuda_checkpoint.pt"
    if not path.exists():
        pytest.skip("no CUDA fixture recorded")
    ckpt = load_checkpoint(path)
    assert ckpt["extra"]["device"].startswith("cuda")
    assert all(t.device.type == "cpu" for t in ckpt["model_state"].values())
    model = TinyLM(**{k: v for k, v in ckpt["model_config"].items() if k != "kind"})
    model.load_state_dict(ckpt["model_state"])
