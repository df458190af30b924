"""The ``ledgerflow`` command: thin — parse, call the API, render."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="ledgerflow",
    help="Event-sourced orchestration of data pipelines.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _group() -> None:
    """Event-sourced orchestration of data pipelines."""


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _mode_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ledgerflow run APP", add_help=False)
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--development", action="store_true")
    modes.add_argument("--experiment", nargs="?", const="", default=None)
    modes.add_argument("--production", nargs="?", const="", default=None)
    forcing = parser.add_mutually_exclusive_group()
    forcing.add_argument("--force", dest="force", action="store_true", default=None)
    forcing.add_argument("--no-force", dest="force", action="store_false")
    return parser


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(
    ctx: typer.Context,
    application: Annotated[Path, typer.Argument(help="The application's main Python file.")],
) -> None:
    """Run an application: [--development | --experiment [V] | --production [V]] [--force | --no-force] [ARGS...]."""
    if not application.is_file():
        raise _fail(f"Application file {application} not found.")
    try:
        options, app_args = _mode_parser().parse_known_args(ctx.args)
    except SystemExit:
        raise _fail("Choose one of --development, --experiment [V] and --production [V].", 2) from None
    env = dict(os.environ)
    for key in ("LEDGERFLOW_MODE", "LEDGERFLOW_VERSION", "LEDGERFLOW_FORCE"):
        env.pop(key, None)
    if options.development:
        env["LEDGERFLOW_MODE"] = "development"
    for mode in ("experiment", "production"):
        version = getattr(options, mode)
        if version is not None:
            env["LEDGERFLOW_MODE"] = mode
            if version:
                env["LEDGERFLOW_VERSION"] = version
    if options.force is not None:
        env["LEDGERFLOW_FORCE"] = "true" if options.force else "false"
    completed = subprocess.run([sys.executable, str(application), *app_args], env=env, check=False)
    raise typer.Exit(completed.returncode)


#: Command modules; each defines ``register(app)``.
COMMAND_MODULES: tuple[str, ...] = ("audit", "compact", "versions", "timetravel", "replay", "workflow", "cluster")


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
