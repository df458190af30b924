"""The options of ``ledgerflow`` itself, before any command: ``--version``, ``--verbose``, ``--quiet``."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer

from ledgerflow.commands.common import output

__all__ = ["register"]


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        typer.echo(f"ledgerflow {version('ledgerflow')}")
        raise typer.Exit()


def _options(
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


def register(app: typer.Typer) -> None:
    """Make these the options of ``ledgerflow`` itself."""
    app.callback()(_options)
