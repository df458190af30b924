"""The ``ledgerflow`` command: thin — parse, call the API, render."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer

from ledgerflow.commands.common import output

app = typer.Typer(
    name="ledgerflow",
    help="Event-sourced orchestration of data pipelines.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help texts are printed as written: "POSITION:LINK", "ledgerflow[postgres]"
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        typer.echo(f"ledgerflow {version('ledgerflow')}")
        raise typer.Exit()


@app.callback()
def _group(
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log DEBUG lines too (stderr).")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only warnings, errors and results: no progress.")
    ] = False,
) -> None:
    """Event-sourced orchestration of data pipelines."""
    if verbose and quiet:
        raise typer.BadParameter("choose --verbose or --quiet, not both.")
    output.verbose, output.quiet = verbose, quiet
    if verbose or quiet:
        level = "DEBUG" if verbose else "WARNING"
        logging.getLogger("ledgerflow").setLevel(level)
        os.environ["LEDGERFLOW_LOG_LEVEL"] = level  # for the application ``ledgerflow run`` starts


#: Command modules; each defines ``register(app)``.
COMMAND_MODULES: tuple[str, ...] = ("run", "jobs", "audit", "versions", "timetravel", "replay", "workflow")


def _register_commands() -> None:
    from importlib import import_module

    for name in COMMAND_MODULES:
        import_module(f"ledgerflow.commands.{name}").register(app)


_register_commands()


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
