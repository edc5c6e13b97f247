"""Moved to :mod:`seqlm.apps.lm` (issue 11: the LM glue lives with the application). This
forwarding module keeps the other helpers' imports working until they move; it is the one
documented exception of tests/test_layers.py and goes away with it."""

from typing import Any


def __getattr__(name: str) -> Any:
    import seqlm.apps.lm as lm

    return getattr(lm, name)
