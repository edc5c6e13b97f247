"""``python -m bench``: each bench script is a section, its BENCH literal read, never run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, load_script


def entry():
    return load_script(REPO / "bench" / "__main__.py", "bench_entry")


def test_every_bench_script_is_listed_with_its_commands() -> None:
    out = subprocess.run([sys.executable, "-m", "bench", "--list"], cwd=REPO, text=True,
                         capture_output=True, timeout=60, check=True).stdout
    scripts = [p.stem for p in (REPO / "bench").glob("*.py")
               if not p.name.startswith("_") and p.name != "benchutil.py"]
    for name in scripts:
        assert f"bench/{name}.py" in out
    assert "python bench/rnn_train_charlm.py --seed 0" in out  # a README row's full command


def test_the_convention(tmp_path: Path) -> None:
    e = entry()
    plain, declared, off, bad = (tmp_path / f"{n}.py" for n in ("plain", "declared", "off", "bad"))
    plain.write_text("print('hi')\n")
    declared.write_text("import os\nBENCH = {'quick': None, 'full': [['--a'], []]}\n"
                        "raise SystemExit('never run')\n")
    off.write_text("BENCH = None\n")
    bad.write_text("BENCH = ['--quick']\n")
    assert e.commands("plain", e.declared(plain), quick=True) == [["--quick"]]
    assert e.commands("plain", e.declared(plain), quick=False) == [[]]
    assert e.commands("declared", e.declared(declared), quick=True) == []
    assert e.commands("declared", e.declared(declared), quick=False) == [["--a"], []]
    assert e.commands("off", e.declared(off), quick=True) == []
    try:
        e.declared(bad)
    except SystemExit as exc:
        assert "BENCH must be a dict" in str(exc)
    else:
        raise AssertionError("a list BENCH was accepted")


def test_unknown_section_is_refused() -> None:
    r = subprocess.run([sys.executable, "-m", "bench", "--quick", "--only", "nope"], cwd=REPO,
                       text=True, capture_output=True, timeout=60)
    assert r.returncode == 2 and "unknown section(s) nope" in r.stderr


def test_every_readme_measured_row_is_a_full_command_of_the_entry() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Measured", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line]
    e = entry()
    full = {" ".join(["python", f"bench/{name}.py", *args]).strip()
            for name, spec in e.sections().items() for args in e.commands(name, spec, False)}
    full |= {" ".join(["python", f"bench/{name}.py", *args]).strip()
             for name, spec in e.sections().items() for args in e.commands(name, spec, True)}
    commands = [cell.strip().strip("`") for row in rows[1:] for cell in [row.split("|")[-2]]]
    assert commands and all(c.startswith("python bench/") for c in commands), commands
    missing = [c for c in commands if c not in full]
    assert not missing, f"README rows whose command `python -m bench` does not run: {missing}"


def test_side_by_side_the_longest_declared_sections_start_first() -> None:
    e = entry()
    found = {"a": {"quick": ["--quick"]}, "b": {"quick": ["--quick"], "quick_s": 90},
             "c": None, "d": {"quick": ["--quick"], "quick_s": 5}}
    todo = [(n, ["--quick"]) for n in ("a", "b", "c", "d")]
    assert [n for n, _ in e.longest_first(todo, found)] == ["b", "a", "c", "d"]
    declared = {n: s.get("quick_s") for n, s in e.sections().items() if s}
    assert declared["series_auto"] == max(v or e.QUICK_S for v in declared.values())
