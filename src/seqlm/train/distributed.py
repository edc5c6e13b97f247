"""Data-parallel training on ``torch.distributed`` (launched by ``torchrun``), and its no-op twin.

The one training loop asks :func:`context` for a :class:`Single` (one process) or a
:class:`Parallel` (``WORLD_SIZE`` > 1 in the environment torchrun sets, or a process group the
caller already started). Both offer the same few calls, so the loop has one code path:

* the data: every rank iterates the *same* seeded loader and keeps its own share of each global
  minibatch's rows (:class:`RankBatches`). Sequential batching cuts the stream into rows that
  continue from batch to batch, so a rank's rows are its contiguous share of the stream and
  its carried state stays correct (truncated BPTT per rank); random batching shuffles the
  examples with the loader's generator (same on every rank, new each epoch) and each rank takes
  a disjoint shard -- DistributedSampler's semantics. ``--batch-size`` is the *global* batch,
  so a run gives the same updates on any number of processes (and resumes on another number);
* one step, in this order: forward on the local rows; ``all_reduce`` of (loss sum, item count);
  local loss scaled to ``loss_sum_r * W / count_all``; backward, during which DDP averages the
  gradients over the W ranks -- the average is then exactly the gradient of the combined
  batch's mean loss, whatever the rows each rank holds; clip on the global norm of that
  averaged gradient (identical on every rank); optimiser step. Parameters stay identical;
* evaluation: each rank scores its rows, and (loss sum, count) are summed over the ranks;
* rank 0 alone logs, plots and writes checkpoints (:attr:`Single.is_main`).

Hidden states follow torch's layout, (batch, hidden) or (layers, batch, hidden): that is how a
carried state is split among ranks and gathered back for a mid-epoch checkpoint.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

import torch
from torch import nn

from seqlm.errors import ConfigError

ENV = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT")


def env_world_size() -> int:
    """``WORLD_SIZE`` as torchrun sets it (1 when absent): how many processes train together."""
    raw = os.environ.get("WORLD_SIZE", "1")
    try:
        size = int(raw)
    except ValueError:
        raise ConfigError(f"WORLD_SIZE must be an integer, got {raw!r}") from None
    if size < 1:
        raise ConfigError(f"WORLD_SIZE must be >= 1, got {size}")
    return size


def _env_int(name: str, default: int = 0) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {os.environ[name]!r}") from None


def backend_for(device: torch.device) -> str:
    """``nccl`` for CUDA devices (when built in), ``gloo`` otherwise (CPU)."""
    import torch.distributed as dist

    if device.type == "cuda" and dist.is_nccl_available():
        return "nccl"
    return "gloo"


def shard_bounds(rows: int, rank: int, world: int) -> tuple[int, int]:
    """Rows ``[start, stop)`` of rank ``rank``: contiguous, sizes differing by at most one."""
    base, extra = divmod(rows, world)
    start = rank * base + min(rank, extra)
    return start, start + base + (1 if rank < extra else 0)


def batch_dim(t: torch.Tensor) -> int:
    """The batch axis of a hidden-state tensor: 1 for (layers, batch, hidden), else 0."""
    return 1 if t.dim() == 3 else 0


def _map_tensors(obj: Any, fn: Any) -> Any:
    if isinstance(obj, torch.Tensor):
        return fn(obj)
    if isinstance(obj, (tuple, list)):
        return type(obj)(_map_tensors(o, fn) for o in obj)
    if isinstance(obj, dict):
        return {k: _map_tensors(v, fn) for k, v in obj.items()}
    return obj


def shard_batch(batch: Any, rank: int, world: int) -> Any:
    """This rank's rows (axis 0) of every tensor in a batch; other items pass through."""
    def take(t: torch.Tensor) -> torch.Tensor:
        if t.dim() == 0:
            return t
        start, stop = shard_bounds(t.shape[0], rank, world)
        return t[start:stop]
    return _map_tensors(batch, take)


def batch_rows(batch: Any) -> int | None:
    """Rows of the first tensor with a batch axis (None when the batch holds no tensor)."""
    if isinstance(batch, torch.Tensor):
        return int(batch.shape[0]) if batch.dim() else None
    if isinstance(batch, (tuple, list)):
        for b in batch:
            n = batch_rows(b)
            if n is not None:
                return n
    if isinstance(batch, dict):
        return batch_rows(list(batch.values()))
    return None


def shard_state(state: Any, rank: int, world: int) -> Any:
    """This rank's rows of a carried hidden state (torch layout, see :func:`batch_dim`)."""
    def take(t: torch.Tensor) -> torch.Tensor:
        d = batch_dim(t)
        start, stop = shard_bounds(t.shape[d], rank, world)
        return t.narrow(d, start, stop - start)
    return _map_tensors(state, take)


def concat_states(states: list[Any]) -> Any:
    """Join per-rank hidden states (rank order) back into the global batch's state."""
    first = states[0]
    if first is None:
        return None
    if isinstance(first, torch.Tensor):
        return torch.cat(states, dim=batch_dim(first))
    return type(first)(concat_states([s[i] for s in states]) for i in range(len(first)))


class RankBatches:
    """A loader seen by one rank: the same global minibatches, this rank's rows of each.

    Minibatches with fewer rows than ranks are skipped (on every rank alike) in training;
    ``allow_empty=True`` (evaluation) keeps them, ranks without rows get an empty batch.
    ``carries_state``, ``len`` and ``state_dict``/``load_state_dict`` are the loader's own.
    """

    def __init__(self, loader: Iterable[Any], rank: int, world: int,
                 allow_empty: bool = False) -> None:
        self.loader, self.rank, self.world, self.allow_empty = loader, rank, world, allow_empty

    def __getattr__(self, name: str) -> Any:  # carries_state, state_dict, ... of the loader
        if name == "loader":
            raise AttributeError(name)
        return getattr(self.loader, name)

    def __len__(self) -> int:
        return len(self.loader)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[Any]:
        for batch in self.loader:
            rows = batch_rows(batch)
            if rows is not None and rows < self.world and not self.allow_empty:
                continue
            yield shard_batch(batch, self.rank, self.world)


class Single:
    """One process: every call is the identity, so the loop has one code path."""

    rank, world_size, is_main, active = 0, 1, True, False

    def device(self, device: torch.device) -> torch.device:
        return device

    def wrap(self, model: nn.Module) -> nn.Module:
        """The module the training forward pass goes through."""
        return model

    def shard(self, batches: Any, evaluation: bool = False) -> Any:
        return batches

    def totals(self, loss_sum: float, count: int) -> tuple[float, int]:
        """(loss sum, item count) summed over the ranks."""
        return loss_sum, count

    def mean_loss(self, loss_sum: torch.Tensor, count: int) -> tuple[torch.Tensor, float, int]:
        """(loss to backpropagate, the global minibatch's mean loss, its item count)."""
        loss = loss_sum / max(count, 1)
        return loss, float(loss.detach()), count

    def any(self, *flags: bool) -> list[bool]:
        """Each flag OR-ed over the ranks (a stop request, a time limit): all ranks agree."""
        return list(flags)

    def global_state(self, state: Any) -> Any:
        """The carried state of the whole global batch (for a mid-epoch checkpoint)."""
        return state

    def local_state(self, state: Any) -> Any:
        """This rank's rows of a global batch's state (from a checkpoint)."""
        return state

    def decorrelate_rng(self) -> None:
        """Give every rank its own dropout stream (nothing to do for one process)."""

    def barrier(self) -> None:
        """Wait for every rank."""


class Parallel(Single):
    """W processes in a ``torch.distributed`` process group; rank 0 is the main one."""

    active = True

    def __init__(self, device: torch.device) -> None:
        import torch.distributed as dist

        self.dist = dist
        self.rank, self.world_size = dist.get_rank(), dist.get_world_size()
        self.is_main = self.rank == 0
        self.local_rank = _env_int("LOCAL_RANK", 0)
        self._device = device

    def device(self, device: torch.device) -> torch.device:
        return self._device

    def wrap(self, model: nn.Module) -> nn.Module:
        from torch.nn.parallel import DistributedDataParallel as DDP

        ids = [self._device.index] if self._device.type == "cuda" else None
        return DDP(model, device_ids=ids)  # broadcasts rank 0's weights to every rank

    def shard(self, batches: Any, evaluation: bool = False) -> Any:
        return RankBatches(batches, self.rank, self.world_size, allow_empty=evaluation)

    def _sum(self, values: list[float]) -> list[float]:
        dev = self._device if self.dist.get_backend() == "nccl" else torch.device("cpu")
        t = torch.tensor(values, dtype=torch.float64, device=dev)
        self.dist.all_reduce(t)
        return [float(v) for v in t.tolist()]

    def totals(self, loss_sum: float, count: int) -> tuple[float, int]:
        total, n = self._sum([loss_sum, float(count)])
        return total, round(n)

    def mean_loss(self, loss_sum: torch.Tensor, count: int) -> tuple[torch.Tensor, float, int]:
        # sum_r (W / n) * loss_sum_r, averaged by DDP over W ranks = sum_all / n: the combined
        # batch's mean loss, however unevenly the items fall on the ranks.
        total, n = self.totals(float(loss_sum.detach()), count)
        return loss_sum * (self.world_size / max(n, 1)), total / max(n, 1), n

    def any(self, *flags: bool) -> list[bool]:
        return [v > 0 for v in self._sum([float(f) for f in flags])]

    def global_state(self, state: Any) -> Any:
        if state is None:
            return None
        parts: list[Any] = [None] * self.world_size
        cpu = _map_tensors(state, lambda t: t.detach().cpu())
        self.dist.all_gather_object(parts, cpu)
        return concat_states(parts)

    def local_state(self, state: Any) -> Any:
        return None if state is None else shard_state(state, self.rank, self.world_size)

    def decorrelate_rng(self) -> None:
        seed = int(torch.randint(0, 2**62, (1,)))  # the same draw on every rank...
        torch.manual_seed(seed + self.rank)        # ...then one stream per rank

    def barrier(self) -> None:
        self.dist.barrier()


def init_process_group(device: torch.device, timeout_s: float = 1800.0) -> None:
    """Join the process group torchrun describes (RANK, WORLD_SIZE, MASTER_ADDR/PORT).

    The backend follows the device (nccl on CUDA, gloo on CPU); on CUDA each process takes
    the GPU of its ``LOCAL_RANK``. Ranks other than 0 print nothing on stdout.
    """
    import torch.distributed as dist

    if not dist.is_available():
        raise ConfigError("this torch build has no torch.distributed")
    missing = [k for k in ("RANK", "MASTER_ADDR", "MASTER_PORT") if k not in os.environ]
    if missing:
        raise ConfigError(f"WORLD_SIZE > 1 but {', '.join(missing)} not set: launch with torchrun")
    if device.type == "cuda":
        torch.cuda.set_device(_env_int("LOCAL_RANK", 0))
    dist.init_process_group(backend_for(device), init_method="env://",
                            timeout=timedelta(seconds=timeout_s))
    atexit.register(shutdown)
    if dist.get_rank() != 0:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 -- rank 0 alone reports


def shutdown() -> None:
    """Leave the process group (if any): called at exit."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        with contextlib.suppress(Exception):
            dist.destroy_process_group()


def context(device: torch.device) -> Single:
    """:class:`Parallel` under torchrun (or an initialised group), else :class:`Single`.

    On CUDA the device becomes ``cuda:LOCAL_RANK`` (one GPU per process).
    """
    import torch.distributed as dist

    started = dist.is_available() and dist.is_initialized()
    if not started and env_world_size() == 1:
        return Single()
    if device.type == "cuda":
        device = torch.device("cuda", _env_int("LOCAL_RANK", 0))
    if not started:
        init_process_group(device)
    if dist.get_world_size() == 1:
        return Single()
    return Parallel(device)


def is_main_process() -> bool:
    """True on rank 0 or without a process group: the process that writes and prints."""
    import torch.distributed as dist

    return not (dist.is_available() and dist.is_initialized()) or dist.get_rank() == 0
