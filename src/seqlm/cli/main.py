"""Entry point: builds the Typer app and turns every user error into one line + exit code 2."""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from seqlm import __version__
from seqlm.errors import SeqlmError

# name -> (module, attribute: a Typer app or a command function, one-line summary).
# A verb group's module is imported only when that group runs, so `seqlm --help` stays fast
# and never imports torch. Sub-command groups of the other parts are added here, one line each.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "data": ("seqlm.cli.data", "app", "Registered corpora: list, info, fetch, stats."),
    "ngram": ("seqlm.cli.ngram", "app", "Counting n-gram language models: fit, score, "
              "generate, convert."),
    "series": ("seqlm.cli.series", "app", "Series models: fit, predict, evaluate, plot."),
    "demo": ("seqlm.cli.demo", "demo", "The seed lecture end to end: corpus statistics, "
             "n-grams, an RNN LM, series models."),
    "rnn": ("seqlm.cli.rnn", "app", "RNN language models: train, eval, generate, score, "
            "compare."),
    "classify": ("seqlm.cli.classify", "app", "Sequence classification with RNN encoders: "
                 "train, evaluate, predict."),
    "tag": ("seqlm.cli.tag", "app", "Sequence tagging (UPOS) with RNN encoders: train, "
            "evaluate, predict."),
    "translate": ("seqlm.cli.translate", "app", "Encoder-decoder translation: train, "
                  "evaluate with BLEU/chrF, translate."),
}


@functools.cache
def load_command(name: str) -> Any:
    """Import the module behind ``name`` and turn its Typer app or function into a command."""
    module, attr, _ = COMMANDS[name]
    obj = getattr(importlib.import_module(module), attr)
    if not isinstance(obj, typer.Typer):
        single = typer.Typer(add_completion=False, rich_markup_mode=None)
        single.command(name)(obj)
        obj = single
    obj.rich_markup_mode = None  # plain help and no completion options, as for the whole CLI
    obj._add_completion = False
    cmd = typer.main.get_command(obj)
    cmd.name = name
    return cmd


class LazyGroup(TyperGroup):
    """The top-level group: lists COMMANDS from the table, imports one only to run it."""

    def list_commands(self, ctx: Any) -> list[str]:
        return [*COMMANDS, *super().list_commands(ctx)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name in COMMANDS:
            return load_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [(name, summary) for name, (_, _, summary) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="seqlm",
    cls=LazyGroup,
    help="Sequence models and language models: n-grams, series models and RNNs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"seqlm {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Sequence models and language models: n-grams, series models and RNNs."""


def fail(message: str) -> int:
    """Print one line on stderr and return the bad-input exit code."""
    line = " ".join(str(message).split())  # one line, never cut
    sys.stderr.write(f"seqlm: error: {line}\n")
    return 2


def os_error_message(exc: OSError) -> str:
    """``cannot write x.arpa: No space left on device`` from an OSError, never a traceback."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    name = exc.filename if exc.filename is not None else None
    if name is None:
        return reason
    verb = "access" if exc.filename2 is None else "move"
    target = f"{name} -> {exc.filename2}" if exc.filename2 is not None else str(name)
    return f"cannot {verb} {target}: {reason}"


def _usage_errors() -> tuple[type[BaseException], ...]:
    """Typer >= 0.2x vendors click; older versions use click itself. Accept both."""
    kinds: list[type[BaseException]] = [typer.TyperException] if hasattr(
        typer, "TyperException") else []
    try:
        import click

        kinds.append(click.ClickException)
    except ImportError:  # pragma: no cover
        pass
    return tuple(kinds)


def _exits() -> tuple[type[BaseException], ...]:
    kinds: list[type[BaseException]] = [typer.Exit]
    try:
        import click

        kinds.append(click.exceptions.Exit)
    except ImportError:  # pragma: no cover
        pass
    return tuple(kinds)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code (0 ok, 2 bad input, 130 interrupted)."""
    return run_app(app, argv)


def run_app(typer_app: typer.Typer, argv: list[str] | None = None) -> int:
    """Run any Typer app the seqlm way: user errors and OSErrors become one line + exit 2."""
    command = typer.main.get_command(typer_app)
    try:
        rv = command.main(args=argv, prog_name="seqlm", standalone_mode=False)
    except SeqlmError as exc:
        return fail(str(exc))
    except BrokenPipeError:  # `seqlm ... | head`: stop quietly, like any Unix filter
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # writing/reading failed below any check (disk full, EACCES...)
        return fail(os_error_message(exc))
    except UnicodeDecodeError as exc:
        return fail(f"input is not valid UTF-8 (byte {exc.start})")
    except _exits() as exc:
        return int(getattr(exc, "exit_code", 0))
    except _usage_errors() as exc:
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            typer.echo(ctx.get_help(), err=True)
            return 2
        return fail(" ".join(exc.format_message().split()))  # type: ignore[attr-defined]
    except (typer.Abort, KeyboardInterrupt) as exc:
        if isinstance(exc.__cause__ or exc.__context__, EOFError):  # click wraps EOFError
            return fail("unexpected end of input (the file is empty or truncated)")
        sys.stderr.write("seqlm: interrupted\n")
        return 130
    return rv if isinstance(rv, int) else 0


def run() -> None:
    """Console-script wrapper."""
    sys.exit(main())


if __name__ == "__main__":
    run()
