"""``--threads 0`` (the default) does not oversubscribe a shared machine: idle cores by load."""

from __future__ import annotations

import os

import pytest
import torch

from seqlm.cli import common


@pytest.mark.parametrize(("cores", "load", "most", "want"), [
    (2, 0.0, 2, 2), (2, 0.4, 2, 2), (2, 0.6, 2, 1), (2, 35.0, 2, 1),
    (16, 3.2, 8, 8), (16, 12.0, 16, 4), (1, 0.0, 4, 1),
])
def test_idle_cores(monkeypatch, cores: int, load: float, most: int, want: int) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert common.idle_cores(most) == want


def test_the_default_takes_one_thread_on_a_loaded_machine(monkeypatch) -> None:
    before = torch.get_num_threads()
    monkeypatch.setattr(os, "getloadavg", lambda: (35.0, 30.0, 24.0))
    try:
        common.seed_everything(0, 0)
        assert torch.get_num_threads() == 1
        common.seed_everything(0, 3)
        assert torch.get_num_threads() == 3
        common.seed_everything(0)  # None: torch's own choice is left alone
        assert torch.get_num_threads() == 3
    finally:
        torch.set_num_threads(before)
