"""Typed errors of the n-gram package (all derive from seqlm's SeqlmError via DataError)."""

from __future__ import annotations

from seqlm.errors import ConfigError, DataError


class ArpaError(DataError):
    """An ARPA file is malformed, truncated, inconsistent or too large for memory."""


class ModelFileError(DataError):
    """A seqlm binary n-gram model file is missing, corrupt or of another format."""


__all__ = ["ArpaError", "ConfigError", "DataError", "ModelFileError"]
