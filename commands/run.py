"""``ledgerflow run [MODE OPTIONS] APP.py [ARGS...]``: run an application in a version mode.

The mode options come before the application's path and are real options (listed by ``--help``;
an unknown one is an error). The arguments after the path are the application's, with one
exception kept for the documented, Taipy-style order (``ledgerflow run main.py --experiment 1.0
February``): mode options there choose the mode too and are taken out; the rest (``February``,
``--any-flag``) reaches the application unchanged.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ledgerflow.commands.common import errors, fail
from ledgerflow.commands.progress import shows_progress

if TYPE_CHECKING:
    from ledgerflow.commands.run_progress import RunProgress

__all__ = ["register", "run"]

_VERSION_HELP = "Run in {mode} mode, as version V (default: {default})."
_MODE_KEYS = ("LEDGERFLOW_MODE", "LEDGERFLOW_VERSION", "LEDGERFLOW_FORCE")


def _after_path_modes(args: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """Taipy-style mode options among the arguments after the path, and the application's arguments."""
    parser = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    parser.add_argument("--development", action="store_true")
    parser.add_argument("--experiment", nargs="?", const="", default=None)
    parser.add_argument("--production", nargs="?", const="", default=None)
    parser.add_argument("--force", dest="force", action="store_true", default=None)
    parser.add_argument("--no-force", dest="force", action="store_false")
    try:
        return parser.parse_known_args(args)
    except SystemExit:  # e.g. "--force" and "--no-force" clash: leave them all to the application
        return argparse.Namespace(development=False, experiment=None, production=None, force=None), args


Taken = tuple[str | None, Path | None, list[str], str | None]


def _optional_version(value: str | None, application: Path | None, args: list[str]) -> Taken:
    """``--experiment``/``--production`` take an optional version; a token taken for one is given back:
    the application's path (then the version is the default one), or an option (returned last)."""
    if value is not None and value.startswith("-"):
        return "", application, args, value
    if value is not None and value.endswith(".py"):
        return "", Path(value), ([str(application)] if application is not None else []) + args, None
    return value, application, args, None


_FLAGS = {"--force": ("force", True), "--no-force": ("force", False), "--development": ("development", True)}


def run(
    development: Annotated[bool, typer.Option("--development", help="Run in development mode (the default).")] = False,
    experiment: Annotated[
        str | None,
        typer.Option("--experiment", metavar="[V]", help=_VERSION_HELP.format(mode="experiment", default="a new id")),
    ] = None,
    production: Annotated[
        str | None,
        typer.Option(
            "--production", metavar="[V]", help=_VERSION_HELP.format(mode="production", default="the latest version")
        ),
    ] = None,
    force: Annotated[
        bool | None,
        typer.Option("--force/--no-force", help="Run even if the config conflicts with the version's recorded one."),
    ] = None,
    application: Annotated[Path | None, typer.Argument(help="The application's main Python file.")] = None,
    args: Annotated[list[str] | None, typer.Argument(help="Passed to the application as they are.")] = None,
) -> None:
    """Run an application in a version mode; the arguments after its path are its own."""
    rest = list(args or [])
    experiment, application, rest, token = _optional_version(experiment, application, rest)
    production, application, rest, other = _optional_version(production, application, rest)
    for flag in (t for t in (token, other) if t is not None):
        if flag not in _FLAGS:
            raise typer.BadParameter(f"no such option: {flag}")
        name, value = _FLAGS[flag]
        if name == "force":
            force = bool(value)
        else:
            development = True
    if application is None:
        raise typer.BadParameter("give the application's main Python file.", param_hint="APPLICATION")
    if not application.is_file():
        raise fail(f"Application file {application} not found.", 2)
    after, rest = _after_path_modes(rest)
    development = development or after.development
    experiment = experiment if experiment is not None else after.experiment
    production = production if production is not None else after.production
    if sum((development, experiment is not None, production is not None)) > 1:
        raise typer.BadParameter("choose one of --development, --experiment [V] and --production [V].")
    force = force if force is not None else after.force
    env = {k: v for k, v in os.environ.items() if k not in _MODE_KEYS}
    if development:
        env["LEDGERFLOW_MODE"] = "development"
    for mode, version in (("experiment", experiment), ("production", production)):
        if version is not None:
            env["LEDGERFLOW_MODE"] = mode
            if version:
                env["LEDGERFLOW_VERSION"] = version
    if force is not None:
        env["LEDGERFLOW_FORCE"] = "true" if force else "false"
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "failed.txt"
        env["LEDGERFLOW_RUN_REPORT"] = str(report)  # submissions it waited for that failed (see outcomes.py)
        with _progress(env) as shown:
            command = [sys.executable, str(application), *rest]
            completed = subprocess.run(command, env=env, check=False, pass_fds=shown.child_fds if shown else ())
        failed = report.read_text().splitlines() if report.exists() else []
    if completed.returncode == 0 and failed:
        for line in failed:
            errors.print(f"Submission {line}", style="red", highlight=False, markup=False)
        raise typer.Exit(1)
    raise typer.Exit(completed.returncode)


def _progress(env: dict[str, str]) -> AbstractContextManager[RunProgress | None]:
    """Draw the application's progress on stderr (a terminal only, not ``--quiet``); ``env`` tells it how."""
    env.pop("LEDGERFLOW_RUN_PROGRESS", None)
    if not shows_progress():
        return nullcontext()
    from ledgerflow.commands.run_progress import RunProgress

    shown = RunProgress()
    env["LEDGERFLOW_RUN_PROGRESS"] = shown.variable  # see service/notifications/run_channel.py
    return shown


def register(app: typer.Typer) -> None:
    """Add ``run`` to the ``ledgerflow`` command: options before the path, the rest for the application."""
    app.command(context_settings={"allow_interspersed_args": False})(run)
