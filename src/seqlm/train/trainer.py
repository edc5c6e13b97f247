"""The one training loop of seqlm: any model, any task, truncated BPTT, clipping, checkpoints.

Per minibatch: start from a fresh state (random batching) or the previous batch's state with
its graph cut (sequential batching = truncated BPTT); mean loss; backward; measure ||g|| and
clip it to theta; optimiser step. Per epoch: evaluate, anneal the rate on a plateau, stop
early, write the CSV logs and a checkpoint. Ctrl-C finishes the current step, saves a
checkpoint that resumes exactly (even mid-epoch) and still evaluates; so does a time limit
reached mid-epoch (a partial epoch: not counted, ``--resume`` continues it). NaN/inf stops the
run before anything is written, so the last good checkpoint stays intact.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from seqlm.core.state import detach
from seqlm.errors import first_line
from seqlm.train import distributed
from seqlm.train.average import WeightAverage
from seqlm.train.batches import to_device
from seqlm.train.checkpoint import (
    check_resumable,
    load_checkpoint,
    remove_leftovers,
    rng_state,
    save_checkpoint,
    set_rng_state,
)
from seqlm.train.clip import clip_gradients
from seqlm.train.config import TrainConfig, make_optimizer, resolve_device
from seqlm.train.distributed import Single, batch_rows
from seqlm.train.errors import CheckpointError, TrainingDiverged
from seqlm.train.logs import (
    log_scalars,
    plot_grad_norms,
    plot_metric,
    tensorboard_writer,
    write_csv,
)
from seqlm.train.precision import bf16_failure, first_batch
from seqlm.train.tasks import Task


def evaluate(model: nn.Module, task: Task, batches: Iterable[Any],
             device: str | torch.device = "cpu", dist: Single | None = None,
             progress: bool = False) -> tuple[float, int]:
    """Mean per-item loss of ``model`` over ``batches`` (no gradients) and the item count.

    The state is carried from batch to batch when ``batches.carries_state`` is true. Under
    data parallelism (``dist``) each rank scores its rows and the sums are reduced.
    """
    from tqdm.auto import tqdm

    device = resolve_device(device)
    dist = dist or Single()
    carry = bool(getattr(batches, "carries_state", False))
    was_training = model.training
    model.eval()
    total, count, state = 0.0, 0, None
    total_batches = len(batches) if hasattr(batches, "__len__") else None  # type: ignore[arg-type]
    with torch.no_grad():
        for batch in tqdm(dist.shard(batches, evaluation=True), desc="validation",
                          total=total_batches, unit="batch", leave=False,
                          disable=not (progress and dist.is_main), dynamic_ncols=True):
            if batch_rows(batch) == 0:
                continue  # this rank holds none of the batch's rows
            out = task.step(model, to_device(batch, device), state if carry else None)
            total += float(out.loss_sum)
            count += out.count
            state = out.state
    model.train(was_training)
    total, count = dist.totals(total, count)
    if count == 0:
        return math.nan, 0
    return total / count, count


@dataclass
class _Acc:
    """Running sums over an epoch or a logging interval (plain floats: exact on resume)."""

    loss: float = 0.0
    items: int = 0
    steps: int = 0
    norm_sum: float = 0.0
    norm_max: float = 0.0
    clipped: int = 0
    seconds: float = 0.0

    def add(self, loss_sum: float, items: int, norm: float, clipped: bool, dt: float) -> None:
        self.loss += loss_sum
        self.items += items
        self.steps += 1
        self.norm_sum += norm
        self.norm_max = max(self.norm_max, norm)
        self.clipped += int(clipped)
        self.seconds += dt

    @property
    def mean_loss(self) -> float:
        return self.loss / self.items if self.items else math.nan


@dataclass
class TrainResult:
    """What :meth:`Trainer.fit` returns.

    ``history``: one dict per completed epoch (the CSV rows); ``intervals``: one dict per
    logging interval (gradient norm before clipping, fraction of clipped steps);
    ``stopped``: completed | early_stop | time_limit | interrupted;
    ``final``: the last epoch's row, or, when an interruption or time limit cut an epoch, the
    evaluation of the model as it is with ``partial`` true, ``batches_done`` and
    ``batches_total`` (None when the batches have no length) of epoch ``epoch + 1``.
    """

    history: list[dict[str, Any]] = field(default_factory=list)
    intervals: list[dict[str, Any]] = field(default_factory=list)
    stopped: str = "completed"
    final: dict[str, Any] = field(default_factory=dict)
    checkpoint: Path | None = None
    best_checkpoint: Path | None = None


class Trainer:
    """Train ``model`` on ``task`` over ``train`` batches, validating on ``valid`` each epoch.

    ``train``: an iterable of batches (e.g. :class:`seqlm.data.SeqDataLoader`); its
    ``carries_state`` (sequential batching) decides truncated BPTT vs fresh states, and its
    ``state_dict``/``load_state_dict`` (if present) are checkpointed for exact resume.
    ``out``: folder for ``last.pt``, ``best.pt``, ``epochs.csv``, ``intervals.csv`` and plots
    (None = keep nothing on disk). ``vocab`` (a dict) and ``extra`` (any plain data: the data
    settings, a scaler...) are stored in the checkpoints so a model can be rebuilt from them;
    ``run`` is the plain-dict form of the typed config the whole run was made from (e.g.
    :class:`seqlm.apps.lm.run.LMRunConfig`), stored so that a resume can rebuild it.
    """

    def __init__(
        self,
        model: nn.Module,
        task: Task,
        train: Iterable[Any],
        valid: Iterable[Any] | None = None,
        config: TrainConfig | None = None,
        out: str | os.PathLike[str] | None = None,
        vocab: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        on_step: Callable[[Trainer, int], None] | None = None,
        on_epoch: Callable[[dict[str, Any]], None] | None = None,
        run: dict[str, Any] | None = None,
    ) -> None:
        self.cfg = config or TrainConfig()
        device = resolve_device(self.cfg.device)
        self.dist = distributed.context(device)  # Single, or Parallel under torchrun
        self.device = self.dist.device(device)
        self.model = model.to(self.device)
        self.net = self.dist.wrap(self.model)  # the training forward pass (DDP when parallel)
        self.task = task
        self.train_batches = self.dist.shard(train)  # this rank's rows of every minibatch
        self.valid_batches = valid
        self.out = Path(out) if out is not None else None
        self.vocab = vocab
        self.extra = extra or {}
        self.run = run
        self.on_step = on_step
        self.on_epoch = on_epoch
        self.optimizer = make_optimizer(self.model.parameters(), self.cfg)
        self.average = (WeightAverage(self.model, self.cfg.ema_decay)
                        if self.cfg.ema_decay is not None else None)
        self.scheduler = None
        if self.cfg.anneal_factor is not None:
            self.scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
                self.optimizer, mode="min", factor=self.cfg.anneal_factor,
                patience=self.cfg.anneal_patience, min_lr=self.cfg.min_lr, threshold=0.0,
            )
        self.decay = None  # the fixed schedule, stepped after every epoch
        if self.cfg.lr_decay is not None:
            self.decay = torch.optim.lr_scheduler.MultiplicativeLR(self.optimizer,
                                                                   self._decay_factor)
        self.epoch = 0           # completed epochs
        self.step = 0            # optimiser steps so far
        self.best = math.inf     # best validation loss
        self.bad_epochs = 0      # epochs since the best one
        self.history: list[dict[str, Any]] = []
        self.intervals: list[dict[str, Any]] = []
        self._stop_requested = False
        self._epoch_end_requested = False
        self._in_progress: dict[str, Any] | None = None
        self._batches_total: int | None = None  # of the epoch in progress (None: no length)
        self.bf16 = False  # bf16 autocast in use (set by fit after a probe)
        self._tb: Any = None  # TensorBoard writer: None = not tried yet, False = unavailable
        self._tb_intervals = 0

    # ----------------------------------------------------------------- public
    def request_stop(self) -> None:
        """Ask the loop to stop after the current step, as Ctrl-C does (save, then evaluate)."""
        self._stop_requested = True

    def request_epoch_end(self) -> None:
        """Stop after the current step with the epoch in progress counted as a whole one
        (evaluated, scheduled, checkpointed as at any epoch end; ``stopped="time_limit"``):
        for a fixed budget, where the model at the budget's end matters more than resuming
        the epoch (the tagger's CPU budget, :class:`seqlm.apps.tag.budget.CpuBudget`)."""
        self._epoch_end_requested = True

    @property
    def metric(self) -> str:
        return self.task.metric_name

    @property
    def lr(self) -> float:
        return float(self.optimizer.param_groups[0]["lr"])

    def fit(self, resume: str | os.PathLike[str] | None = None) -> TrainResult:
        """Train until ``config.epochs`` (or early stop / time limit / Ctrl-C); see TrainResult."""
        if resume is not None:
            self.load(resume)
        if self.out is not None and self.dist.is_main:
            remove_leftovers(self.out)  # temp files of a writer killed mid-write
        self.dist.decorrelate_rng()  # under DDP: one dropout stream per rank
        self.bf16 = self.cfg.precision == "bf16" and self._bf16_works()
        self._stop_requested = self._epoch_end_requested = False
        result = TrainResult()
        t_start = self._clock()
        with self._sigint_stops():
            while self.epoch < self.cfg.epochs:
                stopped = self._train_epoch(t_start)
                if stopped in ("interrupted", "time_limit"):  # a partial epoch: not counted,
                    # --resume continues it batch for batch
                    result.checkpoint = self._save("last.pt", in_progress=self._in_progress)
                    if self.out is not None and self.dist.is_main:
                        self._write_logs()  # the intervals so far
                    result.final = self._final_eval()
                    result.stopped = stopped
                    break
                self._end_epoch()
                result.final = self.history[-1]
                if stopped == "epoch_cut":  # a limit at the epoch's last batch, or a budget
                    result.stopped = "time_limit"
                    break
                if (self.cfg.early_stop_patience is not None
                        and self.bad_epochs >= self.cfg.early_stop_patience):
                    result.stopped = "early_stop"
                    break
        if self.out is not None:
            result.checkpoint = result.checkpoint or self.out / "last.pt"
            best = self.out / "best.pt"
            result.best_checkpoint = best if best.exists() else None
            if self.dist.is_main:
                self._plots()
        self.dist.barrier()  # the files are written before any rank returns
        if self._tb:
            self._tb.close()
            self._tb = None
        result.history, result.intervals = list(self.history), list(self.intervals)
        return result

    def payload(self, in_progress: dict[str, Any] | None = None) -> dict[str, Any]:
        """Everything a checkpoint holds (plain data and tensors only)."""
        loader = self.train_batches
        return {
            "model_config": dict(getattr(self.model, "config", {}) or {}),
            "model_state": self.model.state_dict(),
            "optimizer_state": self.optimizer.state_dict(),
            "scheduler_state": self.scheduler.state_dict() if self.scheduler else None,
            "average_state": self.average.state_dict() if self.average else None,
            "train_config": self.cfg.to_dict(),
            "vocab": self.vocab,
            "extra": self.extra,
            "run": self.run,
            "metric": self.metric,
            "epoch": self.epoch,
            "step": self.step,
            "best": self.best,
            "bad_epochs": self.bad_epochs,
            "history": self.history,
            "intervals": self.intervals,
            "rng": rng_state(),
            "loader": loader.state_dict() if hasattr(loader, "state_dict") else None,
            "in_progress": in_progress,
        }

    def load(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        """Restore model, optimiser, scheduler, counters, logs and RNGs from a checkpoint."""
        ckpt = load_checkpoint(path, map_location=self.device)
        check_resumable(ckpt, path)
        if self.vocab is not None and ckpt.get("vocab") not in (None, self.vocab):
            raise CheckpointError(f"{path}: the vocabulary differs from the data's vocabulary")
        cfg = getattr(self.model, "config", None)
        if cfg and ckpt.get("model_config") and dict(cfg) != ckpt["model_config"]:
            raise CheckpointError(
                f"{path} was written for another model: {ckpt['model_config']} vs {dict(cfg)}"
            )
        try:
            self.model.load_state_dict(ckpt["model_state"])
            self.optimizer.load_state_dict(ckpt["optimizer_state"])
            if self.scheduler is not None and ckpt.get("scheduler_state"):
                self.scheduler.load_state_dict(ckpt["scheduler_state"])
            if self.average is not None and ckpt.get("average_state"):
                self.average.load_state_dict(ckpt["average_state"])
        except (RuntimeError, KeyError, ValueError, TypeError, IndexError) as exc:
            raise CheckpointError(f"{path} does not fit this model: {first_line(exc)}") from None
        saved_lr = (ckpt.get("train_config") or {}).get("lr")
        if saved_lr is not None and saved_lr != self.cfg.lr:  # a new --lr on resume applies
            for group in self.optimizer.param_groups:
                group["lr"] = self.cfg.lr
        self.epoch, self.step = ckpt["epoch"], ckpt["step"]
        if self.decay is not None:
            self.decay.last_epoch = self.epoch  # its only state: the epochs it has seen
        self.best, self.bad_epochs = float(ckpt["best"]), ckpt["bad_epochs"]
        self.history, self.intervals = list(ckpt["history"]), list(ckpt["intervals"])
        self._tb_intervals = len(self.intervals)  # already in the event files of the first run
        self._in_progress = ckpt.get("in_progress")
        try:
            if ckpt.get("loader") is not None and hasattr(self.train_batches, "load_state_dict"):
                self.train_batches.load_state_dict(ckpt["loader"])
            set_rng_state(ckpt["rng"])
        except (RuntimeError, KeyError, ValueError, TypeError, IndexError) as exc:
            raise CheckpointError(f"{path} cannot be resumed: its loader or rng state is "
                                  f"damaged ({type(exc).__name__})") from None
        return ckpt

    def _decay_factor(self, epoch: int) -> float:
        """Zaremba et al.'s fixed schedule: lr <- lr_decay * lr after every epoch from
        ``lr_decay_start`` on, never below ``min_lr``."""
        if epoch < self.cfg.lr_decay_start or self.cfg.lr_decay is None:
            return 1.0
        return max(self.cfg.lr_decay, self.cfg.min_lr / self.lr)

    # ---------------------------------------------------------------- the loop
    def _train_epoch(self, t_start: float) -> str:
        """One pass over the training batches; returns done | interrupted | time_limit (both
        mid-epoch: a partial epoch) | epoch_cut (stop, counting the epoch as done)."""
        from tqdm.auto import tqdm

        loader, cfg, model = self.train_batches, self.cfg, self.model
        carry = bool(getattr(loader, "carries_state", False))
        resume = self._in_progress
        self._in_progress = None
        if resume is not None:  # continue an epoch interrupted by Ctrl-C, batch for batch
            loader.load_state_dict(resume["loader_at_start"])
            skip, state = int(resume["batches_done"]), self.dist.local_state(resume["state"])
            acc, iacc = _Acc(**resume["acc"]), _Acc(**resume["iacc"])
        else:
            skip, state, acc, iacc = 0, None, _Acc(), _Acc()
        at_start = loader.state_dict() if hasattr(loader, "state_dict") else None
        epoch = self.epoch + 1
        self._epoch_acc = acc
        unit = getattr(self.task, "unit", "items")
        total = len(loader) if hasattr(loader, "__len__") else None
        bar = tqdm(total=total, desc=f"epoch {epoch}", unit="batch", leave=False,
                   disable=not (cfg.progress and self.dist.is_main), dynamic_ncols=True,
                   initial=skip)
        params = [p for p in model.parameters() if p.requires_grad]
        model.train()
        status, done = "done", skip
        try:
            for i, batch in enumerate(loader):
                if i < skip:
                    continue
                t0 = time.perf_counter()
                batch = to_device(batch, self.device)
                with torch.autocast(self.device.type, torch.bfloat16, enabled=self.bf16):
                    out = self.task.step(self.net, batch, detach(state) if carry else None)
                # The order of operations (see seqlm.train.distributed): the global batch's
                # mean loss; backward (DDP averages the gradients over the ranks); clip on the
                # global norm of that averaged gradient; step.
                loss, loss_value, count = self.dist.mean_loss(out.loss_sum, out.count)
                if not math.isfinite(loss_value):
                    self._diverged(epoch, f"the training loss became {loss_value}")
                self.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                norm = float(clip_gradients(params, cfg.clip))
                if not math.isfinite(norm):
                    self._diverged(epoch, f"the gradient norm became {norm}")
                self.optimizer.step()
                if self.average is not None:
                    self.average.update(model)
                state = out.state
                self.step += 1
                done = i + 1
                clipped = cfg.clip is not None and norm > cfg.clip
                dt = time.perf_counter() - t0
                acc.add(loss_value * count, count, norm, clipped, dt)
                iacc.add(loss_value * count, count, norm, clipped, dt)
                if iacc.steps >= cfg.log_interval:
                    self.intervals.append(self._interval_row(epoch, iacc))
                    iacc = _Acc()
                bar.update(1)
                bar.set_postfix_str(f"{acc.items / max(acc.seconds, 1e-9):,.0f} {unit}/s, "
                                    f"{self.metric} {self.task.metric(acc.mean_loss):.3f}")
                if self.on_step is not None:
                    self.on_step(self, self.step)
                limit = cfg.time_limit_s
                over = limit is not None and self._clock() - t_start > limit
                stop, over, cut = self.dist.any(self._stop_requested, over,
                                                self._epoch_end_requested)  # all ranks agree
                if stop:
                    status = "interrupted"
                    break
                if cut or (over and total is not None and done >= total):
                    status = "epoch_cut"
                    break
                if over:
                    status = "time_limit"
                    break
        finally:
            bar.close()
        self._batches_total = total
        if status in ("interrupted", "time_limit"):
            self._in_progress = {
                "loader_at_start": at_start, "batches_done": done,
                "state": self.dist.global_state(detach(state)) if carry else None,
                "acc": vars(acc).copy(), "iacc": vars(iacc).copy(),
            }
        if iacc.steps and status not in ("interrupted", "time_limit"):
            self.intervals.append(self._interval_row(epoch, iacc))
        return status

    def _clock(self) -> float:
        """What the time limit counts: wall seconds, or this process's CPU seconds."""
        return time.process_time() if self.cfg.clock == "cpu" else time.perf_counter()

    def _bf16_works(self) -> bool:
        """Probe one bf16 step (see seqlm.train.precision); else say so in one line: fp32."""
        batch = first_batch(self.train_batches)
        why = bf16_failure(self.model, self.task, batch, self.device)
        if why is not None and self.dist.is_main:
            sys.stderr.write(f"seqlm: bf16 autocast does not run on this {self.device.type} "
                             f"for this model ({why}); training in float32\n")
        return why is None

    def _interval_row(self, epoch: int, a: _Acc) -> dict[str, Any]:
        return {
            "epoch": epoch, "step": self.step, "lr": self.lr, "loss": a.mean_loss,
            self.metric: self.task.metric(a.mean_loss), "grad_norm_mean": a.norm_sum / a.steps,
            "grad_norm_max": a.norm_max, "clipped_frac": a.clipped / a.steps,
            "items_per_s": a.items / max(a.seconds, 1e-9),
        }

    def _end_epoch(self) -> dict[str, Any]:
        """Evaluate, anneal, count bad epochs, log and checkpoint a completed epoch."""
        acc, m = self._epoch_acc, self.metric
        self.epoch += 1
        lr = self.lr
        valid_loss = math.nan
        if self.valid_batches is not None:
            valid_loss = self._evaluate_valid()
            if not math.isfinite(valid_loss):
                self._diverged(self.epoch, f"the validation loss became {valid_loss}")
        watched = valid_loss if self.valid_batches is not None else acc.mean_loss
        improved = watched < self.best
        if improved:
            self.best, self.bad_epochs = watched, 0
        else:
            self.bad_epochs += 1
        if self.scheduler is not None:
            self.scheduler.step(watched)
        if self.decay is not None:
            self.decay.step()
        row = {
            "epoch": self.epoch, "step": self.step, "lr": lr,
            "train_loss": acc.mean_loss, f"train_{m}": self.task.metric(acc.mean_loss),
            "valid_loss": valid_loss,
            f"valid_{m}": self.task.metric(valid_loss) if math.isfinite(valid_loss) else math.nan,
            "grad_norm_mean": acc.norm_sum / max(acc.steps, 1), "grad_norm_max": acc.norm_max,
            "clipped_frac": acc.clipped / max(acc.steps, 1), "items": acc.items,
            "seconds": acc.seconds, "items_per_s": acc.items / max(acc.seconds, 1e-9),
        }
        self.history.append(row)
        if self.out is not None and self.dist.is_main:
            self._save("last.pt")
            if improved:
                self._save("best.pt")
            self._write_logs()
            self._tensorboard(row)
        if self.on_epoch is not None:
            self.on_epoch(row)
        return row

    def _write_logs(self) -> None:
        assert self.out is not None
        if self.history:
            write_csv(self.out / "epochs.csv", self.history)
        if self.intervals:
            write_csv(self.out / "intervals.csv", self.intervals)

    def _tensorboard(self, row: dict[str, Any]) -> None:
        """Mirror the epoch row and the new interval rows into TensorBoard, if installed."""
        assert self.out is not None
        if self._tb is None:
            self._tb = tensorboard_writer(self.out) or False
        if not self._tb:
            return
        log_scalars(self._tb, row, "epoch", "epoch")
        for interval in self.intervals[self._tb_intervals:]:
            log_scalars(self._tb, interval, "step", "interval")
        self._tb_intervals = len(self.intervals)

    def _final_eval(self) -> dict[str, Any]:
        """After Ctrl-C or the time limit, mid-epoch: the model as it is now, on the validation
        data (or nothing); a partial epoch, ``batches_done`` of epoch ``epoch + 1``."""
        row = {"epoch": self.epoch, "step": self.step, "partial": True,
               "batches_done": (self._in_progress or {}).get("batches_done", 0),
               "batches_total": self._batches_total}
        if self.valid_batches is None:
            return row
        loss = self._evaluate_valid()
        return {**row, "valid_loss": loss,
                f"valid_{self.metric}": self.task.metric(loss) if math.isfinite(loss) else loss}

    def _evaluate_valid(self) -> float:
        """Mean validation loss, with the averaged weights when ``ema_decay`` is set."""
        assert self.valid_batches is not None
        weights = self.average.applied(self.model) if self.average else contextlib.nullcontext()
        with weights:
            return evaluate(self.model, self.task, self.valid_batches, self.device, self.dist,
                            self.cfg.progress)[0]

    def _diverged(self, epoch: int, what: str) -> None:
        last = self.out / "last.pt" if self.out is not None else None
        keep = (f"the last good checkpoint {last} (epoch {self.epoch}) is intact"
                if last is not None and last.exists() else "no checkpoint was written")
        hint = "lower the learning rate" + ("" if self.cfg.clip else " or clip gradients (--clip)")
        raise TrainingDiverged(
            f"training diverged at epoch {epoch}, step {self.step + 1}: {what} "
            f"(lr {self.lr:g}); {keep}; {hint}"
        )

    def _save(self, name: str, in_progress: dict[str, Any] | None = None) -> Path | None:
        if self.out is None:
            return None
        if not self.dist.is_main:  # rank 0 alone writes
            return self.out / name
        return save_checkpoint(self.out / name, self.payload(in_progress))

    def _plots(self) -> None:
        assert self.out is not None
        if self.history:
            plot_metric(self.history, self.metric, self.out / f"{self.metric}.png")
        if self.intervals:
            plot_grad_norms({"train": self.intervals}, self.out / "grad_norm.png", self.cfg.clip)

    @contextlib.contextmanager
    def _sigint_stops(self) -> Iterator[None]:
        """First Ctrl-C: stop cleanly after the current step. A second one aborts at once."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.getsignal(signal.SIGINT)

        def handler(signum: int, frame: Any) -> None:
            if self._stop_requested:
                raise KeyboardInterrupt
            self._stop_requested = True

        signal.signal(signal.SIGINT, handler)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)
            self._stop_requested = False


def fit(model: nn.Module, task: Task, train: Iterable[Any], valid: Iterable[Any] | None = None,
        config: TrainConfig | None = None, out: str | os.PathLike[str] | None = None,
        resume: str | os.PathLike[str] | None = None, **kwargs: Any) -> TrainResult:
    """One-call form: ``Trainer(model, task, train, valid, config, out, **kwargs).fit(resume)``."""
    return Trainer(model, task, train, valid, config, out, **kwargs).fit(resume)
