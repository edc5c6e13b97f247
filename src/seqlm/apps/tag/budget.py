"""A training budget in process CPU seconds, for a machine whose load makes wall time unfair.

``time.process_time()`` counts the CPU this process used (all its threads), not the time it
waited for a core. Passed as the Trainer's ``on_step``, :class:`CpuBudget` ends the epoch in
progress once the budget is spent (``Trainer.request_epoch_end``): the cut epoch counts as a
whole one, and the model is evaluated and checkpointed as at any epoch end. (A wall-clock
``time_limit_s`` instead pauses the epoch, for ``--resume`` to continue it.)
"""

from __future__ import annotations

import time
from typing import Any

from seqlm.errors import require_positive


class CpuBudget:
    """``on_step`` hook: after ``seconds`` of process CPU time, end the epoch and stop."""

    def __init__(self, seconds: float, start: float | None = None) -> None:
        require_positive("CPU budget", seconds)
        self.seconds = float(seconds)
        self.start = time.process_time() if start is None else start

    @property
    def used(self) -> float:
        return time.process_time() - self.start

    def __call__(self, trainer: Any, step: int) -> None:
        if self.used > self.seconds:
            trainer.request_epoch_end()  # the cut epoch counts as a whole one (not resumed)
