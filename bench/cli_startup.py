"""Bench: CLI start-up. `seqlm --help` (and `seqlm ngram fit --help`) against `python -c pass`,
the floor any Python program pays; issue 12 asks for `seqlm --help` within 3x of it. Also the
same help with torch imported first, to show what a torch import would cost.

Each figure is the median over N fresh processes (`-n`, default 15; 5 with --quick), run one
after another, of the wall time and of the process CPU time (user + system, from
getrusage(RUSAGE_CHILDREN)). The CPU ratio is the one that holds on a shared machine: under
load the wall times of every row grow, mostly by waiting. The table prints the load average.

    python bench/cli_startup.py [--quick] [-n N]
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchutil import Row, parser, print_table

TARGET = 3.0  # issue 12: seqlm --help within 3x of python -c pass
HELP = "from seqlm.cli.main import run; import sys; sys.argv[0] = 'seqlm'; run()"


def timed(args: list[str], n: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``n`` runs of a fresh Python process with ``args``."""
    walls, cpus = [], []
    for _ in range(n):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, capture_output=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("-n", type=int, default=None, help="processes per figure")
    a = p.parse_args()
    n = a.n or (5 if a.quick else 15)
    base = timed(["-c", "pass"], n)
    rows = [Row("python -c pass, wall (s)", base[0], None, "s", higher_is_better=False),
            Row("python -c pass, CPU (s)", base[1], None, "s", higher_is_better=False)]
    for what, argv in (("seqlm --help", ["--help"]), ("seqlm ngram fit --help",
                                                        ["ngram", "fit", "--help"])):
        t = timed(["-c", HELP, *argv], n)
        for i, kind in enumerate(("wall", "CPU")):
            rows.append(Row(f"{what}, {kind} (s)", t[i], None, "s", higher_is_better=False))
            rows.append(Row(f"{what} / python -c pass, {kind}", t[i] / base[i], TARGET,
                            "x (target <= 3)", higher_is_better=False))
    t = timed(["-c", "import torch; " + HELP, "--help"], n)
    rows.append(Row("seqlm --help if it imported torch, CPU (s)", t[1], None, "s",
                    higher_is_better=False))
    print_table(f"CLI start-up, median of {n} fresh processes", rows)


if __name__ == "__main__":
    main()
