"""Kept for old imports: :class:`Perplexity` lives in :mod:`seqlm.core.results`."""

from seqlm.core.results import Perplexity

__all__ = ["Perplexity"]
