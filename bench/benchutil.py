"""Shared bench helpers: the printed table (ours, reference, ratio, threads, load) and timing."""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass
class Row:
    """One line of a bench table: what was measured, our figure, the reference, and the unit."""

    what: str
    ours: float
    reference: float | None
    unit: str = ""
    higher_is_better: bool = True

    @property
    def ratio(self) -> float | None:
        """ours / reference (so > 1 means bigger numbers than the reference)."""
        if self.reference in (None, 0):
            return None
        return self.ours / self.reference  # type: ignore[operator]


def machine_line() -> str:
    """Threads torch would use, CPU count and 1/5/15-minute load average."""
    try:
        import torch

        threads = torch.get_num_threads()
    except ImportError:  # pragma: no cover
        threads = -1
    la = os.getloadavg()
    return (f"machine: {os.cpu_count()} cpus, torch threads {threads}, "
            f"load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}")


def print_table(title: str, rows: Sequence[Row]) -> None:
    """Print the bench table in a fixed layout."""
    print(f"\n{title}")
    print(machine_line())
    w = max([len(r.what) for r in rows] + [10])
    print(f"{'measure':<{w}}  {'ours':>12}  {'reference':>12}  {'ratio':>8}  unit")
    for r in rows:
        ref = f"{r.reference:>12.4g}" if r.reference is not None else f"{'-':>12}"
        ratio = f"{r.ratio:>8.3f}" if r.ratio is not None else f"{'-':>8}"
        better = "higher" if r.higher_is_better else "lower"
        print(f"{r.what:<{w}}  {r.ours:>12.4g}  {ref}  {ratio}  {r.unit} ({better} is better)")


def median_time(fn: Callable[[], Any], repeat: int = 3,
                clock: Callable[[], float] = time.perf_counter) -> float:
    """Median time of ``fn()`` over ``repeat`` runs, in seconds (wall, or ``clock``, e.g.
    ``time.process_time`` for CPU time)."""
    times = []
    for _ in range(repeat):
        t0 = clock()
        fn()
        times.append(clock() - t0)
    return statistics.median(times)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the flags every bench takes (--quick, --seed, --threads)."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="a few minutes instead of the full run")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = default)")
    return p


def setup_data_env() -> None:
    """Read corpora from ../shared/data through seqlm's mirror path unless already configured."""
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.path.normpath(os.path.join(here, "..", "..", "shared", "data"))
    if "SEQLM_MIRROR" not in os.environ and os.path.isdir(shared):
        os.environ["SEQLM_MIRROR"] = "file://" + shared + "/"
