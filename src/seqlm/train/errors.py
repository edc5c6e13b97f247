"""Errors of the training loop, all typed so the CLI prints one line and exits 2."""

from __future__ import annotations

from seqlm.errors import SeqlmError


class TrainingDiverged(SeqlmError):
    """The loss or the gradient norm became NaN/inf: training stopped, no checkpoint written."""


class CheckpointError(SeqlmError):
    """A file is not a seqlm checkpoint, is corrupt, unsafe, or does not fit the model/data."""
