"""Fixtures of the n-gram tests: run a test on the compiled path and on the numpy path."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from seqlm.ngram.cext import built


@pytest.fixture(params=["compiled", "numpy"])
def both_paths(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The test runs twice: with the C extensions (skipped where not built) and without."""
    if request.param == "compiled":
        if not built():
            pytest.skip("the C extensions are not built (no compiler at install time)")
        monkeypatch.delenv("SEQLM_NO_CEXT", raising=False)
    else:
        monkeypatch.setenv("SEQLM_NO_CEXT", "1")
    yield request.param
