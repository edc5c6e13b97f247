"""Start-up stays light: the CLI's help and the torch-free packages never import torch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).resolve().parents[1] / "src")
TORCH_FREE_MODULES = ["seqlm", "seqlm.data", "seqlm.ngram", "seqlm.io", "seqlm.cli.common",
                      "seqlm.cli.main", "seqlm.series", "seqlm.series.models.linear_ar"]
HELP_ARGVS = [["--help"], ["ngram", "--help"], ["ngram", "fit", "--help"], ["data", "--help"],
              ["data", "stats", "--help"], ["series", "--help"], ["rnn", "--help"],
              ["demo", "--help"], ["translate", "--help"], ["classify", "--help"],
              ["classify", "train", "--help"], ["tag", "--help"]]


def _loads_torch(code: str) -> bool:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    probe = code + "\nimport sys\nprint('torch' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout.strip().splitlines()[-1] == "True"


def test_imports_do_not_load_torch() -> None:
    """All of them in one fresh interpreter: if none of them pulls torch in, none does alone."""
    assert not _loads_torch("\n".join(f"import {m}" for m in TORCH_FREE_MODULES))


def test_help_does_not_load_torch() -> None:
    """Every listed --help, one after another in one fresh interpreter."""
    code = ("import contextlib, io\nfrom seqlm.cli.main import main\n"
            f"for argv in {HELP_ARGVS!r}:\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        assert main(argv) == 0, argv")
    assert not _loads_torch(code)


def test_the_probe_can_fail() -> None:
    """The check itself sees torch when something does import it."""
    assert _loads_torch("import seqlm.train")


def test_top_level_help_imports_no_verb_group() -> None:
    """`seqlm --help` lists the groups from main.COMMANDS without importing any of them."""
    code = ("import contextlib, io, sys\nfrom seqlm.cli.main import COMMANDS, main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    assert main(['--help']) == 0\n"
            "assert all(name in out.getvalue() for name in COMMANDS)\n"
            "loaded = [m for m, _, _ in COMMANDS.values() if m in sys.modules]\n"
            "assert not loaded and 'numpy' not in sys.modules, loaded")
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         timeout=120)
    assert res.returncode == 0, res.stderr


def test_every_listed_command_loads_and_runs_its_help() -> None:
    from seqlm.cli.main import COMMANDS, load_command

    for name in COMMANDS:
        cmd = load_command(name)
        assert cmd.name == name and cmd.get_help  # a click command, named as listed
