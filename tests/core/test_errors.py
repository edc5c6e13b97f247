"""The shared value checks of seqlm.errors: the one place a bool is refused as a number."""

from __future__ import annotations

import math

import numpy as np
import pytest

from seqlm.errors import (
    ConfigError,
    first_line,
    require_fraction,
    require_int,
    require_number,
)


def test_require_int_is_the_one_integer_check() -> None:
    assert require_int("n", 3) == 3 and require_int("n", 0, low=0) == 0
    assert require_int("n", np.int64(4)) == 4 and require_int("n", -7, low=None) == -7
    for bad in (True, 2.0, "3", 0, -1, None):
        with pytest.raises(ConfigError, match="n must be a positive integer"):
            require_int("n", bad)
    with pytest.raises(ConfigError, match="k must be an integer >= 0"):
        require_int("k", -1, low=0)
    with pytest.raises(ConfigError, match="k must be an integer, got False"):
        require_int("k", False, low=None)


def test_require_number_checks_type_finiteness_and_bounds() -> None:
    assert require_number("lr", 1) == 1.0 and isinstance(require_number("lr", 1), float)
    assert require_number("x", math.inf, finite=False) == math.inf
    assert require_number("p", 1.0, 0.0, 1.0, strict=True) == 1.0
    for bad in (True, "1", None, math.nan, math.inf):
        with pytest.raises(ConfigError, match="lr must be a finite number > 0, got"):
            require_number("lr", bad, 0.0, strict=True)
    for bad in (0.0, -1e-300, 1.5):
        with pytest.raises(ConfigError, match=r"p must be a finite number > 0 and <= 1, got"):
            require_number("p", bad, 0.0, 1.0, strict=True)
    with pytest.raises(ConfigError, match="x must be a number, got nan"):
        require_number("x", math.nan, finite=False)
    assert require_number("w", 0.0, 0.0) == 0.0  # not strict: the bound itself is fine


def test_require_fraction_is_half_open_unless_closed() -> None:
    assert require_fraction("dropout", 0) == 0.0 and require_fraction("w", 1, closed=True) == 1
    for bad in (1.0, -0.1, math.nan, True, "0.5"):
        with pytest.raises(ConfigError, match=r"dropout must be in \[0, 1\), got"):
            require_fraction("dropout", bad)
    with pytest.raises(ConfigError, match=r"w must be in \[0, 1\], got 1.5"):
        require_fraction("w", 1.5, closed=True)


def test_first_line_cuts_at_a_word_boundary_or_not_at_all() -> None:
    words = [f"w{i:03d}" for i in range(80)]  # 399 characters: "w000 w001 ... w079"
    cut = first_line(RuntimeError(" ".join(words) + "\nsecond line"), 120)
    assert len(cut) <= 120 and cut.endswith(" ...")
    kept = cut.removesuffix(" ...").split(" ")
    assert kept == words[: len(kept)] and len(kept) == 23  # whole words only, as many as fit
    assert first_line(RuntimeError("short\nmore")) == "short"
    assert first_line(KeyError()) == "KeyError" and first_line(ValueError("\n  \nx")) == "x"
    one_word = "a" * 300
    assert first_line(ValueError(one_word), 120) == one_word  # never cut mid-word


def test_no_hand_written_copy_of_the_integer_check() -> None:
    """The bool-excluding int/float check lives in seqlm.errors alone (issue 11, item 9)."""
    import re
    from pathlib import Path

    import seqlm

    copy = re.compile(r"isinstance\(([\w.]+), bool\) or not isinstance\(\1, (int|float|\()")
    root = Path(seqlm.__file__).parent
    found = [f"{p.relative_to(root)}:{n}" for p in sorted(root.rglob("*.py"))
             if p.name != "errors.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if copy.search(line)]
    assert not found, f"use seqlm.errors.require_int / require_number instead: {found}"
