"""One progress bar for long work (tqdm on stderr, transient), shown only when asked: every
verb's ``--progress/--no-progress`` ends here, so bars look and behave the same everywhere."""

from __future__ import annotations

from typing import Any


def progress_bar(total: int, desc: str, show: bool, unit: str = "batch") -> Any:
    """A tqdm bar over ``total`` steps (``bar.update(n)``; use as a context manager), or a
    silent one when ``show`` is False."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, leave=False, disable=not show,
                dynamic_ncols=True)
