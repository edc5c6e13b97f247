"""One rank of the 2-process DDP test (tests/train/test_distributed.py), launched as torchrun would.

Runs four small trainings through the one loop and saves what each rank ends with:
an LM over a carried-state stream, a non-LM regression model on shuffled windows, an LM
stopped mid-epoch by rank 0 alone (the checkpoint is resumed by the test in one process), and
the first LM again under ``precision="bf16"`` (autocast; float32 where the probe refuses it).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from seqlm.data import SeqDataLoader
from seqlm.train import LanguageModelTask, RegressionTask, StreamBatches, TrainConfig, Trainer
from tests.train.tiny import TinyLM, corpus

CLIP = 0.05  # small enough that every step is clipped


def config(epochs: int = 2, precision: str = "fp32") -> TrainConfig:
    return TrainConfig(epochs=epochs, optimizer="sgd", lr=0.5, clip=CLIP, device="cpu",
                       progress=False, log_interval=1, precision=precision)


def lm_parts(seed: int) -> tuple[nn.Module, Any, Any]:
    """TinyLM, a sequential loader (global batch 6, state carried) and validation rows."""
    torch.manual_seed(seed)
    ids = corpus(600)
    train = SeqDataLoader(ids[:500], batch_size=6, num_steps=5, strategy="sequential", seed=3)
    return TinyLM(), train, StreamBatches(ids[500:], 4, 5)


class Windows:
    """Shuffled (X, Y) windows of a noisy sine, the last minibatch short (45 = 5 x 8 + 5)."""

    def __init__(self, seed: int) -> None:
        t = np.arange(50, dtype=np.float32)
        z = np.sin(0.3 * t) + 0.1 * np.cos(1.7 * t)
        self.X = torch.tensor(np.stack([z[i:i + 4] for i in range(45)]))
        self.Y = torch.tensor(z[4:49])
        self.gen = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return 6

    def __iter__(self):
        order = torch.randperm(45, generator=self.gen)
        for i in range(0, 45, 8):
            idx = order[i:i + 8]
            yield self.X[idx], self.Y[idx]

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {"gen": self.gen.get_state()}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        self.gen.set_state(state["gen"])


def series_parts(seed: int) -> tuple[nn.Module, Any, Any]:
    """A 4-16-1 MLP (forward(X) only: no state) on shuffled windows."""
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
    valid = [(Windows(0).X[:9], Windows(0).Y[:9])]
    return net, Windows(5), valid


def params(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def run(kind: str, init_seed: int, out: Path | None = None, stop_at: int | None = None,
        resume: Path | None = None, epochs: int = 2, precision: str = "fp32") -> dict[str, Any]:
    """Train one case; ``stop_at``: rank 0 (only) asks to stop after that step."""
    model, train, valid = (lm_parts if kind == "lm" else series_parts)(init_seed)
    task = LanguageModelTask() if kind == "lm" else RegressionTask()

    def on_step(trainer: Trainer, step: int) -> None:
        if step == stop_at and trainer.dist.rank == 0:
            trainer.request_stop()

    trainer = Trainer(model, task, train, valid, config(epochs, precision), out=out,
                      on_step=on_step if stop_at else None)
    result = trainer.fit(resume)
    return {"params": params(trainer.model), "history": result.history,
            "final": result.final, "stopped": result.stopped, "rank": trainer.dist.rank,
            "world": trainer.dist.world_size, "bf16": trainer.bf16,
            "norms": [r["grad_norm_max"] for r in result.intervals]}


def main() -> None:
    out = Path(sys.argv[1])
    rank = int(os.environ["RANK"])
    torch.set_num_threads(1)
    found = {
        "lm": run("lm", init_seed=rank),  # different initial weights: DDP broadcasts rank 0's
        "series": run("series", init_seed=rank),
        "stopped": run("lm", init_seed=rank, out=out / "run", stop_at=13),
        "lm_bf16": run("lm", init_seed=rank, precision="bf16"),
    }
    print(f"rank {rank} done")  # only rank 0's stdout survives
    torch.save(found, out / f"rank{rank}.pt")


if __name__ == "__main__":
    main()
