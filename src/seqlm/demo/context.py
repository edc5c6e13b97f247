"""What every ``seqlm demo`` section receives, and how a section registers itself.

A section is a function ``run(ctx)`` in one file of this package, decorated with
``@demo_section(name, order)``; the demo imports every module of the package, so an application
adds its part of the story by adding one file (e.g. ``seqlm/demo/classify.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from seqlm.registry import Registry


@dataclass
class DemoContext:
    """Shared state for the demo sections: the corpus, an output folder, the seed, a printer."""

    text: str          # the demo corpus after the book's ``letters`` preprocessing
    raw_text: str      # the same corpus before preprocessing
    source: str        # which corpus this is, for the reader
    out: Path          # folder for plots and models
    seed: int
    quick: bool = False
    echo: Callable[[str], None] = print
    number: int = field(default=0)  # the running section number

    def section(self, title: str) -> None:
        """Print a section heading, numbered in the order the sections run."""
        self.number += 1
        self.echo(f"\n== {self.number}. {title} ==")

    def say(self, msg: str = "") -> None:
        """Print a line of the story."""
        self.echo(msg)

    def split(self, frac: float = 0.9) -> tuple[str, str]:
        """First ``frac`` of the text for training, the rest held out (by position)."""
        cut = int(len(self.text) * frac)
        return self.text[:cut], self.text[cut:]


@dataclass(frozen=True)
class Section:
    """A registered demo section: where it comes in the story, and what it runs."""

    order: int
    run: Callable[[DemoContext], None]


SECTIONS: Registry[Section] = Registry("demo section")


def demo_section(name: str, order: int) -> Callable[[Callable[[DemoContext], None]],
                                                    Callable[[DemoContext], None]]:
    """Decorator: register ``run(ctx)`` as demo section ``name``; sections run by ``order``."""

    def deco(run: Callable[[DemoContext], None]) -> Callable[[DemoContext], None]:
        SECTIONS.add(name, Section(order, run), help=(run.__doc__ or "").strip())
        return run

    return deco
