"""The CLI's shared options and its error funnel: every failure is one line and exit 2."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import typer

from seqlm.cli import data as data_cli
from seqlm.cli.common import (
    JsonOption,
    SeedOption,
    bounded_float,
    bounded_int,
    emit_json,
    run_folder,
)
from seqlm.cli.main import main, run_app
from seqlm.errors import ConfigError


def _toy_app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def train(
        seed: int = SeedOption,
        lr: float = bounded_float(0.1, "--lr", lo=0.0, hi=100.0, help="Learning rate."),
        hidden: int = bounded_int(8, "--hidden", lo=1, hi=4096, help="Hidden units."),
        as_json: bool = JsonOption,
    ) -> None:
        """Print the settings."""
        emit_json({"seed": seed, "lr": lr, "hidden": hidden})

    @app.command()
    def other() -> None:
        """A second verb so that Typer keeps sub-commands."""

    return app


@pytest.mark.parametrize("argv,needle", [
    (["--seed", "-1"], "--seed"),
    (["--seed", "4294967296"], "--seed"),
    (["--lr", "1e308"], "--lr"),
    (["--lr", "nan"], "--lr"),
    (["--lr", "-0.5"], "--lr"),
    (["--hidden", "9223372036854775808"], "--hidden"),
    (["--hidden", "0"], "--hidden"),
])
def test_out_of_range_options_are_one_line(argv: list[str], needle: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(_toy_app(), ["train", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("seqlm: error: ") and err.count("\n") == 1 and needle in err
    assert "Traceback" not in err


def test_in_range_options_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_app(_toy_app(), ["train", "--seed", "4294967295", "--lr", "2.5"]) == 0
    assert json.loads(capsys.readouterr().out) == {"seed": 4294967295, "lr": 2.5, "hidden": 8}


def test_emit_json_is_one_strict_object(capsys: pytest.CaptureFixture[str]) -> None:
    emit_json({"ppl": np.float64(3.5), "n": np.int64(4), "bad": math.nan, "path": Path("a"),
               "rows": np.arange(2), "inf": math.inf})
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    assert json.loads(out) == {"ppl": 3.5, "n": 4, "bad": None, "path": "a", "rows": [0, 1],
                               "inf": None}


def _corpus(tmp_path: Path) -> Path:
    p = tmp_path / "C.txt"
    p.write_text("the cat sat on the mat\nthe dog sat\n")
    return p


def test_os_error_while_writing_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    def disk_full(*a: object, **k: object) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "z.png"))

    monkeypatch.setattr(data_cli, "zipf_plot", disk_full)
    code = main(["data", "stats", str(_corpus(tmp_path)), "--zipf", str(tmp_path / "z.png")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("seqlm: error: cannot access") and "No space left on device" in err


def test_end_of_input_is_an_error_not_an_interrupt(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    def eof(*a: object, **k: object) -> str:
        raise EOFError("no data")

    monkeypatch.setattr(data_cli, "load_text", eof)
    assert main(["data", "stats", str(_corpus(tmp_path))]) == 2
    assert "unexpected end of input" in capsys.readouterr().err


def test_long_errors_are_never_cut(capsys: pytest.CaptureFixture[str]) -> None:
    app = typer.Typer()
    words = " ".join(f"word{i}" for i in range(60))

    @app.command()
    def verb() -> None:
        raise ConfigError(words + "\nsecond line")

    @app.command()
    def other() -> None:
        """Keep sub-commands."""

    assert run_app(app, ["verb"]) == 2
    assert capsys.readouterr().err == f"seqlm: error: {words} second line\n"


def test_run_folder_refuses_an_existing_run(tmp_path: Path) -> None:
    run = tmp_path / "run"
    assert run_folder(run) == run  # new: fine
    run.mkdir()
    assert run_folder(run) == run  # empty: fine
    (run / "last.pt").write_bytes(b"x")
    (run / "logs").mkdir()
    with pytest.raises(ConfigError, match=r"--resume .* --overwrite"):
        run_folder(run)
    assert run_folder(run, resume=True) == run and (run / "last.pt").exists()
    assert run_folder(run, overwrite=True) == run and list(run.iterdir()) == []
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="existing file"):
        run_folder(tmp_path / "file", overwrite=True)
