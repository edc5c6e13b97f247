"""Imports only point down the layers, and no modules import each other in a cycle (issue 11).

    base (seqlm, errors, io, registry) <- data <- core <- {ngram, rnn, series} <- train
        <- apps <- demo <- cli <- __main__

Every import in every module counts, lazy ones inside functions and ``TYPE_CHECKING`` blocks
included: the graph is what the code may load, not only what it loads at import time. Packages
of one layer do not import each other (ngram, rnn and series are peers); inside a package any
import is fine as long as it forms no cycle. The demo sits above the applications, since a demo
section shows an application.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import seqlm

ROOT = Path(seqlm.__file__).parent
BASE = "seqlm(base)"
LAYERS: list[set[str]] = [
    {BASE},
    {"seqlm.data"},
    {"seqlm.core"},
    {"seqlm.ngram", "seqlm.rnn", "seqlm.series"},
    {"seqlm.train"},
    {"seqlm.apps"},
    {"seqlm.demo"},
    {"seqlm.cli"},
    {"seqlm.__main__"},  # ``python -m seqlm``: the CLI's entry
]
# (importer, imported) pairs allowed although they point up or close a cycle, each with its
# reason and who removes it. Empty is the goal; test_exceptions_are_still_needed fails as soon
# as one is fixed, so the entry goes with the fix.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def component(mod: str) -> str:
    """The package a module belongs to for layering (top-level modules are the base)."""
    parts = mod.split(".")
    if len(parts) == 1 or (not (ROOT / parts[1]).is_dir() and parts[1] != "__main__"):
        return BASE
    return ".".join(parts[:2])


def layer(mod: str) -> int:
    comp = component(mod)
    for i, names in enumerate(LAYERS):
        if comp in names:
            return i
    raise AssertionError(f"{mod}: package {comp} is not in the layer list of this test")


def imports(mod: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(imported seqlm module, line) for every import statement anywhere in the module."""
    is_pkg = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "seqlm":
                    yield _existing(alias.name, known), node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = mod.split(".") if is_pkg else mod.split(".")[:-1]
                pkg = pkg[: len(pkg) - node.level + 1]
                base = ".".join([*pkg, *([base] if base else [])])
            if base.split(".")[0] != "seqlm":
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield (sub if sub in known else _existing(base, known)), node.lineno


def _existing(name: str, known: dict[str, Path]) -> str:
    while name not in known and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def graph() -> dict[str, list[tuple[str, int]]]:
    known = modules()
    return {mod: [(t, line) for t, line in imports(mod, path, known) if t != mod]
            for mod, path in known.items()}


def test_every_package_has_a_layer() -> None:
    for mod in modules():
        layer(mod)


def test_imports_point_down_the_layers() -> None:
    bad = []
    for mod, targets in graph().items():
        for target, line in targets:
            up = layer(target) > layer(mod)
            peer = layer(target) == layer(mod) and component(target) != component(mod)
            if (up or peer) and (mod, target) not in EXCEPTIONS:
                what = "points up to" if up else "imports its peer"
                bad.append(f"{mod} (line {line}) {what} {target}")
    assert not bad, "imports against the layers:\n" + "\n".join(bad)


def test_no_import_cycles() -> None:
    edges = {mod: sorted({t for t, _ in targets if (mod, t) not in EXCEPTIONS})
             for mod, targets in graph().items()}
    cycles = strongly_connected(edges)
    assert not cycles, "modules importing each other in a cycle:\n" + "\n".join(
        " <-> ".join(sorted(c)) for c in cycles)


def test_exceptions_are_still_needed() -> None:
    g = graph()
    for mod, target in EXCEPTIONS:
        assert target in {t for t, _ in g.get(mod, [])}, f"stale exception {mod} -> {target}"


def strongly_connected(edges: dict[str, list[str]]) -> list[set[str]]:
    """Tarjan's algorithm: the strongly connected components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.add(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def test_the_checker_sees_lazy_relative_and_cyclic_imports(tmp_path: Path) -> None:
    """The walker itself: a lazy import inside a function, a relative import, and a cycle."""
    src = "import os\n\ndef f():\n    from seqlm.cli import main\n    from . import vocab\n"
    path = tmp_path / "mod.py"
    path.write_text(src)
    found = {t for t, _ in imports("seqlm.data.mod", path, modules())}
    assert found == {"seqlm.cli.main", "seqlm.data.vocab"}
    assert layer("seqlm.cli.main") > layer("seqlm.data.mod")
    assert strongly_connected({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [
        {"a", "b", "c"}]
