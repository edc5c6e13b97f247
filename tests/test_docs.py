"""Docs that run: every fenced code block in README.md and docs/*.md is executed here.

Convention (also in README.md "Development"):
- ``python`` blocks are exec'd in order; the blocks of one file share one namespace;
- ``bash``/``sh``/``console``/bare blocks: each command (``\\`` continuations joined, ``#``
  comments dropped) runs in bash and must exit 0; ``seqlm`` is this tree's CLI;
- ``toml``/``json`` blocks must parse; ``text`` blocks are shown output and are not run;
- a block that must not run has ``<!-- not-runnable: reason -->`` on the line above its fence.
Everything runs in a temporary folder with the test session's mirror and cache.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^(`{3,})\s*([\w+-]*)\s*$")
MARK = re.compile(r"^<!--\s*not-runnable:\s*(.*?)\s*-->\s*$")
SHELL = {"", "bash", "sh", "console", "shell"}
SHOWN = {"text", "output"}


@dataclass
class Block:
    """One fenced block of a Markdown file."""

    path: Path
    line: int
    lang: str
    code: str
    skip_reason: str | None

    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of ``path``, with the not-runnable reason that precedes each."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, lang, start = m.group(1), m.group(2).lower(), i
        i += 1
        body: list[str] = []
        while i < len(lines) and lines[i].strip() != fence:
            body.append(lines[i])
            i += 1
        mark = MARK.match(lines[start - 1].strip()) if start > 0 else None
        found.append(Block(path, start + 1, lang, "\n".join(body) + "\n",
                           mark.group(1) if mark else None))
        i += 1
    return found


def shell_commands(code: str) -> list[str]:
    """Commands of a shell block, as bash reads them: continuations joined, a ``$`` prompt
    dropped, blank and comment lines skipped (pipes, redirections and braces kept)."""
    joined = re.sub(r"[ \t]*\\\n\s*", " ", code)
    out = []
    for line in joined.splitlines():
        line = re.sub(r"^\s*\$\s+", "", line).strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _env() -> dict[str, str]:
    src = str(REPO / "src")
    return {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", ""),
            "MPLBACKEND": "Agg"}


SEQLM_SHIM = f'seqlm() {{ "{sys.executable}" -c "from seqlm.cli.main import run; run()" "$@"; }}'


def run_block(block: Block, namespace: dict[str, object]) -> None:
    """Run one block in the current folder; a failure names the file and line."""
    if block.lang == "python":
        exec(compile(block.code, block.where(), "exec", dont_inherit=True), namespace)
    elif block.lang in SHELL:
        for cmd in shell_commands(block.code):
            res = subprocess.run(["bash", "-c", f"{SEQLM_SHIM}\n{cmd}"], capture_output=True,
                                 text=True, env=_env(), timeout=600)
            assert res.returncode == 0, f"{block.where()}: `{cmd}` failed:\n{res.stderr[-2000:]}"
    elif block.lang == "toml":
        tomllib.loads(block.code)
    elif block.lang == "json":
        json.loads(block.code)
    elif block.lang not in SHOWN:
        raise AssertionError(f"{block.where()}: unknown block language {block.lang!r}; use "
                             f"python, bash, toml, json, text or mark it not-runnable")


def test_the_convention_is_understood(tmp_path: Path) -> None:
    """The parser sees languages, markers and continuations as the convention says."""
    md = tmp_path / "x.md"
    md.write_text("text\n<!-- not-runnable: trains for an hour -->\n```bash\nseqlm a \\\n  --b 1"
                  "  # note\n$ seqlm c\n```\n\n```python\nx = 1\n```\n````text\n```\n````\n")
    got = blocks(md)
    assert [(b.lang, b.skip_reason) for b in got] == [
        ("bash", "trains for an hour"), ("python", None), ("text", None)]
    assert shell_commands(got[0].code) == ["seqlm a --b 1  # note", "seqlm c"]
    assert shell_commands("# only a comment\necho a | tr a b > f.txt  # keep\n") == [
        "echo a | tr a b > f.txt  # keep"]


def test_every_block_is_runnable_or_says_why_not() -> None:
    """A not-runnable marker must carry a reason."""
    empty = [b.where() for p in DOCS for b in blocks(p) if b.skip_reason == ""]
    assert not empty, f"not-runnable markers without a reason: {empty}"


def corpora_used(path: Path) -> list[str]:
    """Registered datasets a file's runnable blocks name ("ptb" in Python, ptb on a command)."""
    from seqlm.data import DATASETS

    code = "\n".join(b.code for b in blocks(path) if b.skip_reason is None)
    return [n for n in DATASETS
            if re.search(rf"""["']{re.escape(n)}["']|(?<![\w./-]){re.escape(n)}(?![\w./-])""",
                         code)]


# Docs whose owners have not yet made every block runnable or marked it (see COORD.md); each
# owner removes its line. Listed files are not run (their unmarked blocks train for minutes).
PENDING: dict[str, str] = {}


def test_no_doc_is_pending() -> None:
    """Every doc's blocks run (or are marked not-runnable): the pending list stays empty."""
    assert not PENDING, f"docs not yet runnable: {sorted(PENDING)}"


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.dataset(*corpora_used(p)))
                                  for p in DOCS if str(p.relative_to(REPO)) not in PENDING],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_code_blocks_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in blocks(path):
        if block.skip_reason is None:
            run_block(block, namespace)
