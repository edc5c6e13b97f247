"""What every ``seqlm demo`` step receives: the corpus, an output folder, the seed, a printer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import typer


@dataclass
class DemoContext:
    """Shared state for the demo steps (each part of seqlm adds one step)."""

    text: str          # the demo corpus after the book's ``letters`` preprocessing
    raw_text: str      # the same corpus before preprocessing
    source: str        # which corpus this is, for the reader
    out: Path          # folder for plots and models
    seed: int
    quick: bool = False

    def section(self, title: str) -> None:
        """Print a step heading."""
        typer.echo(f"\n== {title} ==")

    def say(self, msg: str = "") -> None:
        """Print a line of the story."""
        typer.echo(msg)

    def split(self, frac: float = 0.9) -> tuple[str, str]:
        """First ``frac`` of the text for training, the rest held out (by position)."""
        cut = int(len(self.text) * frac)
        return self.text[:cut], self.text[cut:]
