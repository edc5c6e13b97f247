"""``seqlm demo``: the seed's story end to end -- data, n-gram models, RNNs, series models and
whatever sections the applications add (each one file here, see :mod:`seqlm.demo.context`)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path

from seqlm.data.text import normalise
from seqlm.demo.context import SECTIONS, DemoContext, Section, demo_section
from seqlm.demo.corpus import demo_corpus, embedded_corpus
from seqlm.errors import ConfigError

BASE = ("context", "corpus")  # the modules that are not sections


def sections() -> list[tuple[str, Section]]:
    """Every section of the package, imported (so that it registers) and sorted by order."""
    for mod in pkgutil.iter_modules(__path__):
        if mod.name not in BASE:
            importlib.import_module(f"{__name__}.{mod.name}")
    return sorted(SECTIONS.items(), key=lambda kv: kv[1].order)


def run_demo(out: Path, seed: int = 0, quick: bool = False, embedded: bool = False,
             echo: Callable[[str], None] = print, only: tuple[str, ...] = ()) -> DemoContext:
    """Run every section (or those named in ``only``) on the demo corpus; pictures in ``out``."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    raw, source = embedded_corpus() if embedded else demo_corpus()
    ctx = DemoContext(normalise(raw, "letters"), raw, source, out, seed, quick, echo)
    for name, section in sections():
        if not only or name in only:
            section.run(ctx)
    return ctx


__all__ = ["SECTIONS", "DemoContext", "demo_corpus", "demo_section", "embedded_corpus",
           "run_demo", "sections"]
