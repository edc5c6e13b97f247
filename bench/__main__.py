"""The one benchmark entry: ``python -m bench --quick | --full [--only NAME,...] [--list]``.

Every ``bench/NAME.py`` (not ``_*.py``, not ``benchutil.py``) is a section, run as a
subprocess ``python bench/NAME.py ARGS`` from the repository root. A section may declare one
literal, read here with ``ast.literal_eval`` (the script is never imported)::

    BENCH = {"quick": ["--quick"], "full": [[], ["--model", "rnn_scratch"]]}

``quick``: one argument list (None = not part of ``--quick``); ``full``: one list per README
"Measured" row it reproduces; ``quick_s``: about how long the quick run takes here (seconds),
so that the longest start first when commands run side by side. Without BENCH: quick
``["--quick"]``, full ``[[]]``; ``BENCH = None`` leaves the script to bench/gpu_check.sh or to
hand runs. Each section prints its own table (seqlm's figure, the reference, their ratio, the
machine: threads, load average, device); this entry adds the time each command took and a
summary of failures.
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SKIP = {"benchutil.py", "__main__.py", "__init__.py"}
DEFAULT: dict[str, Any] = {"quick": ["--quick"], "full": [[]]}
QUICK_S = 30  # a quick section's expected seconds when it does not say


def declared(path: Path) -> dict[str, Any] | None:
    """The script's BENCH literal (the default when absent; None = not run from here)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "BENCH"):
            value = ast.literal_eval(node.value)
            if value is not None and not isinstance(value, dict):
                raise SystemExit(f"{path.name}: BENCH must be a dict literal or None")
            return value
    return DEFAULT


def sections() -> dict[str, dict[str, Any] | None]:
    """Every bench script by name, with its declared runs."""
    return {p.stem: declared(p) for p in sorted(HERE.glob("*.py"))
            if p.name not in SKIP and not p.name.startswith("_")}


def commands(name: str, spec: dict[str, Any] | None, quick: bool) -> list[list[str]]:
    """The argument lists to run for one section in this mode."""
    if spec is None:
        return []
    if quick:
        args = spec.get("quick", DEFAULT["quick"])
        return [] if args is None else [list(args)]
    return [list(a) for a in spec.get("full", DEFAULT["full"])]


def longest_first(todo: list[tuple[str, list[str]]],
                  found: dict[str, dict[str, Any] | None]) -> list[tuple[str, list[str]]]:
    """The commands ordered by their declared ``quick_s``, longest first (stable otherwise), so
    that two workers finish close together instead of one long section starting last."""
    def expected(item: tuple[str, list[str]]) -> float:
        spec = found.get(item[0]) or {}
        return -float(spec.get("quick_s", QUICK_S))
    return sorted(todo, key=expected)


def machine() -> str:
    """Cores, load average and devices of this machine (torch is imported only to ask)."""
    la = os.getloadavg()
    try:
        import torch

        dev = (f"cuda: {torch.cuda.get_device_name(0)}" if torch.cuda.is_available()
               else "cpu only")
        threads = str(torch.get_num_threads())
    except ImportError:  # pragma: no cover
        dev, threads = "torch not installed", "-"
    return (f"{os.cpu_count()} cpus, torch threads {threads}, {dev}, "
            f"load average {la[0]:.2f} {la[1]:.2f} {la[2]:.2f}")


def run_one(name: str, args: list[str], capture: bool = False) -> tuple[int, float, str]:
    """Run ``python bench/NAME.py ARGS``: (exit code, seconds, its output if ``capture``,
    else its output goes straight to ours). Side by side (``capture``) each command gets one
    CPU thread, so two never fight over the same cores (each prints its thread count)."""
    cmd = [sys.executable, str(HERE / f"{name}.py"), *args]
    head = f"\n=== {name}: python bench/{name}.py {' '.join(args)}".rstrip()
    if not capture:
        print(head, flush=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p)}
    if capture:
        env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    t0 = time.perf_counter()
    if not capture:
        return subprocess.call(cmd, cwd=ROOT, env=env), time.perf_counter() - t0, ""
    res = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, errors="replace")
    return res.returncode, time.perf_counter() - t0, f"{head}\n{res.stdout}"


def run_all(todo: list[tuple[str, list[str]]], jobs: int) -> list[str]:
    """Run the commands ``jobs`` at a time (each one's output printed whole when it ends);
    the failed ones."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    failed: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(run_one, name, args, jobs > 1): (name, args)
                   for name, args in todo}
        for fut in as_completed(futures):
            name, args = futures[fut]
            rc, seconds, output = fut.result()
            print(output, end="", flush=True)
            print(f"--- {name}: {'ok' if rc == 0 else f'FAILED (exit {rc})'} in {seconds:.0f} s",
                  flush=True)
            if rc != 0:
                failed.append(f"{name} {' '.join(args)}".strip())
    return failed


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--quick", action="store_true", help="every quick section (<= 5 min)")
    mode.add_argument("--full", action="store_true",
                      help="every README 'Measured' row (hours on a CPU)")
    mode.add_argument("--list", action="store_true", help="print the commands, run nothing")
    p.add_argument("--only", default="", help="comma-separated section names")
    p.add_argument("--jobs", type=int, default=0,
                   help="commands run at once (0 = 2 for --quick on a machine with 2+ cores, "
                        "else 1); CPU-budgeted figures do not change, wall-clock ones see the "
                        "neighbour in the load average each prints")
    a = p.parse_args(argv)
    found = sections()
    only = [s for s in a.only.split(",") if s]
    unknown = [s for s in only if s not in found]
    if unknown:
        p.error(f"unknown section(s) {', '.join(unknown)}; have {', '.join(found)}")
    chosen = {k: v for k, v in found.items() if not only or k in only}
    if a.list:
        for name, spec in chosen.items():
            for kind in ("quick", "full"):
                for args in commands(name, spec, kind == "quick"):
                    print(f"{kind:<5}  python bench/{name}.py {' '.join(args)}".rstrip())
            if spec is None:
                print(f"-      bench/{name}.py: not run by this entry (BENCH = None)")
        return 0
    print(f"machine: {machine()}", flush=True)
    t_all = time.perf_counter()
    todo = [(name, args) for name, spec in chosen.items()
            for args in commands(name, spec, a.quick)]
    jobs = a.jobs or (2 if a.quick and (os.cpu_count() or 1) >= 2 else 1)
    if a.quick and jobs > 1:
        todo = longest_first(todo, chosen)
    failed, ran = run_all(todo, jobs), len(todo)
    print(f"\n{ran} bench command(s) in {time.perf_counter() - t_all:.0f} s; "
          f"machine now: {machine()}")
    for f in failed:
        print(f"FAILED: python bench/{f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
