"""``ledgerflow preview main.py [SCENARIO_CONFIG]``: what a run would do to each task, and why.

The application's script is imported (its ``if __name__ == "__main__":`` block does not run), so
its config is known; its log is read without opening a session, so nothing is recorded.
"""

from __future__ import annotations

import runpy
import sys
import types
from pathlib import Path
from typing import Annotated

import typer

from ledgerflow.commands.common import console, fail, handles_errors

__all__ = ["register"]


def _import_application(path: Path) -> None:
    """Run the script's top level under another name than ``__main__``, as a worker would."""
    if not path.is_file():
        raise fail(f"Application file {path} not found.", 2)
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module = types.ModuleType("__mp_main__")
    module.__file__ = str(path.resolve())
    sys.modules["__mp_main__"] = module
    module.__dict__.update(runpy.run_path(str(path), run_name="__mp_main__"))


@handles_errors
def preview(
    application: Annotated[Path, typer.Argument(help="The application's main Python file.")],
    scenario_config: Annotated[
        str | None, typer.Argument(help="The scenario config to preview (needed when there are several).")
    ] = None,
    version: Annotated[
        str | None, typer.Option("--version", help="Preview the scenarios of this experiment or production version.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="Only the scenario (or workflow) of this name.")] = None,
    submit_rules: Annotated[
        bool | None,
        typer.Option(
            "--submit/--workflow",
            help="Judge as lf.submit does (non-skippable tasks always run) or as Workflow.run() does "
            "(every task by its outputs). Default: as the scenario's last submission was judged, else as lf.submit.",
        ),
    ] = None,
) -> None:
    """Show each task of the app's scenarios: would run / would skip / complete / pending, and why."""
    from ledgerflow.domain.config import Config
    from ledgerflow.service.workflow.stored_plan import preview_application

    _import_application(application)
    configs = {cid: c for cid, c in Config.scenarios.items() if cid != "default"}  # Taipy lists "default" too
    if scenario_config is None:
        if len(configs) != 1:
            choices = ", ".join(sorted(configs)) or "(none)"
            raise fail(f"{application} configures {len(configs)} scenario configs: name one of {choices}.", 2)
        scenario_config = next(iter(configs))
    if scenario_config not in configs:
        raise fail(f'No scenario config "{scenario_config}" in {application}: use one of {", ".join(sorted(configs))}.')
    core = Config.core
    result = preview_application(
        core.storage_folder,
        core.event_store,
        configs[scenario_config],
        version=version,
        name=name,
        submit_rules=submit_rules,
    )
    console.print(f"Looking at {result.versions}.", highlight=False, markup=False, soft_wrap=True)
    for plan in result.plans:
        console.print(str(plan), highlight=False, markup=False, soft_wrap=True)
    if result.note:
        console.print(result.note, style="dim", highlight=False, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``preview`` to the ``ledgerflow`` command."""
    app.command()(preview)
