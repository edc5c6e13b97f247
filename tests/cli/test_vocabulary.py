"""One vocabulary of options across the CLI groups (issue 12; rule in seqlm.cli.common):
``--device`` defaults to auto on every verb that has it; every verb that trains or scores a
corpus offers ``--progress/--no-progress``, on by default; ``--seed`` only where something is
random (checked for the language-model groups, rnn and ngram)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from seqlm.cli.main import COMMANDS, load_command

# Verbs that train or score a whole corpus: they must offer --progress/--no-progress (on).
LONG_WORK = {("rnn", "train"), ("rnn", "eval"), ("rnn", "score"), ("series", "fit"),
             ("series", "evaluate"), ("classify", "train"), ("tag", "train"),
             ("translate", "train"), ("classify", "eval"), ("tag", "eval"), ("translate", "eval")}
# Verbs that do not follow the rule yet, with the owner who fixes it; the test fails as soon
# as one is fixed, so the entry goes with the fix.
PENDING: dict[tuple[str, str], str] = {
}


def verbs() -> Iterator[tuple[tuple[str, str], Any]]:
    for group in COMMANDS:
        cmd = load_command(group)
        if hasattr(cmd, "commands"):  # a group (typer may bring its own click)
            for name, sub in cmd.commands.items():
                yield (group, name), sub
        else:
            yield (group, group), cmd


def option(cmd: Any, name: str) -> Any:
    return next((p for p in cmd.params if p.name == name), None)


def follows_progress_rule(cmd: Any) -> bool:
    opt = option(cmd, "progress")
    return (opt is not None and opt.default is True and "--progress" in opt.opts
            and "--no-progress" in opt.secondary_opts)


@pytest.fixture(scope="module")
def all_verbs() -> dict[tuple[str, str], Any]:
    return dict(verbs())


def test_device_defaults_to_auto_everywhere(all_verbs: dict[tuple[str, str], Any]) -> None:
    devices = {k: option(c, "device") for k, c in all_verbs.items() if option(c, "device")}
    assert ("rnn", "eval") in devices and ("classify", "eval") in devices
    wrong = {k: o.default for k, o in devices.items() if o.default != "auto"}
    assert not wrong, f"--device must default to auto: {wrong}"


def test_long_work_offers_progress_on_by_default(all_verbs: dict[tuple[str, str], Any]) -> None:
    assert set(all_verbs) >= LONG_WORK
    off_rule = sorted(k for k, c in all_verbs.items() if not follows_progress_rule(c)
                      and (k in LONG_WORK or option(c, "progress") is not None))
    assert off_rule == sorted(PENDING), "--progress/--no-progress (on) missing or different"


def test_seed_only_where_something_is_random(all_verbs: dict[tuple[str, str], Any]) -> None:
    seeded = {k for k, c in all_verbs.items() if k[0] in ("rnn", "ngram") and option(c, "seed")}
    assert seeded == {("rnn", "train"), ("rnn", "generate"), ("ngram", "generate")}
