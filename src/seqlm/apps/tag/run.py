"""``seqlm tag train`` as one library call: typed settings in, a trained checkpoint out.

:class:`TagRun` holds every setting of a run besides the training loop's own
(:class:`seqlm.train.TrainConfig`); it is stored in the checkpoint (``extra["run"]``), so
``--resume`` rebuilds the same data and model from it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from seqlm.apps.tag.budget import CpuBudget
from seqlm.apps.tag.data import load_tagged
from seqlm.apps.tag.model import Tagger
from seqlm.apps.tag.train import TagData, tag_data, train_tagger
from seqlm.errors import ConfigError
from seqlm.train import TrainConfig, TrainResult, load_checkpoint


@dataclass
class TagRun:
    """Data, model and batching settings of a tagger's training run."""

    data: str
    split: str | None = None
    valid: str | None = None
    valid_split: str | None = None
    column: str = "upos"
    format: str = "auto"
    min_freq: int = 1
    batch_size: int = 32
    seed: int = 0
    init_from: str | None = None
    model: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Any) -> TagRun:
        names = {f.name for f in fields(cls)}
        if not isinstance(d, dict) or "data" not in d or set(d) - names:
            raise ConfigError("not the settings of a 'seqlm tag train' run")
        return cls(**d)

    def load(self) -> TagData:
        """Read the training (and validation) sentences and build the vocabularies."""
        split = self.split
        if split is None and self.data == "ud-en-ewt":
            split = "train"
        train = load_tagged(self.data, split, self.column, self.format)
        valid = None
        if self.valid is not None or self.valid_split is not None:
            source = self.valid if self.valid is not None else self.data
            valid = load_tagged(source, self.valid_split, self.column, self.format)
        return tag_data(train, valid, self.min_freq)


def train_run(run: TagRun, cfg: TrainConfig, out: str | os.PathLike[str],
              resume: bool = False, cpu_limit: float | None = None,
              on_epoch: Callable[[dict[str, Any]], None] | None = None,
              on_data: Callable[[TagData], None] | None = None) -> tuple[Tagger, TrainResult]:
    """Load the data, build (and optionally initialise from an LM) a tagger, train it into
    ``out`` (``last.pt``, ``best.pt``); ``cpu_limit`` seconds of process CPU time at most."""
    data = run.load()
    if on_data is not None:
        on_data(data)
    init = None
    if run.init_from and not resume:
        from seqlm.apps.tag.pretrain import init_tagger_from_lm

        def init(model: Tagger) -> None:
            init_tagger_from_lm(model, data.vocabs, run.init_from)  # type: ignore[arg-type]

    return train_tagger(run.model, data, cfg, resume=Path(out) / "last.pt" if resume else None,
                        init=init, batch_size=run.batch_size, seed=run.seed, out=out,
                        extra={"run": run.to_dict(), "column": run.column},
                        on_step=CpuBudget(cpu_limit) if cpu_limit else None,
                        on_epoch=on_epoch)


def resume_settings(out: str | os.PathLike[str], **overrides: Any
                    ) -> tuple[TagRun, TrainConfig]:
    """The run settings and training config stored in ``out/last.pt``; ``overrides`` (device,
    progress, epochs, time limit) replace the stored training settings."""
    path = Path(out) / "last.pt"
    ckpt = load_checkpoint(path)
    stored = (ckpt.get("extra") or {}).get("run")
    if not stored:
        raise ConfigError(f"{path} was not written by 'seqlm tag train'")
    return TagRun.from_dict(stored), TrainConfig.from_dict(ckpt["train_config"], **overrides)
