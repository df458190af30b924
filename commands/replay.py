"""``ledgerflow replay [--verify]`` and ``ledgerflow rerun SUBMISSION_ID``.

``replay`` rebuilds the projection from position 0 of the log; with ``--verify`` it compares
it with what a process would start from (the checkpoint plus the log's tail) and exits 1 on any
difference, else it saves the rebuilt state as the checkpoint. ``rerun`` re-executes a past
submission's jobs on the input values they read and exits 1 unless every output reproduced.
"""

from __future__ import annotations

import runpy
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from ledgerflow.commands.common import console, fail, handles_errors
from ledgerflow.commands.options import StorageFolder, StoreUrl, open_store
from ledgerflow.commands.timetravel import use_working_directory_imports

if TYPE_CHECKING:
    from ledgerflow.service.audit.rerun import RerunReport

__all__ = ["register"]


@handles_errors
def replay(
    verify: Annotated[
        bool, typer.Option("--verify", help="Compare with the checkpointed state instead of saving a new checkpoint.")
    ] = False,
    storage_folder: StorageFolder = Path(".ledgerflow"),
    event_store: StoreUrl = None,
) -> None:
    """Rebuild the projection from position 0 of the log (and check it, with --verify)."""
    from ledgerflow.commands.progress import progress
    from ledgerflow.service.audit.replay import replay_store

    with open_store(storage_folder, event_store) as store, progress("Replaying the log") as moved:
        report = replay_store(store, verify=verify, progress=moved)
    if report.ok:
        console.print(Text.assemble(("✔", "green"), f" {report}"), highlight=False)
        if not verify:
            console.print("Saved the rebuilt state as the checkpoint start-ups load.")
        return
    console.print(Text.assemble(("✘", "red"), f" {report}"), highlight=False)
    raise typer.Exit(1)


def _load_application(path: Path) -> None:
    """Run the application script's top level (not its ``__main__`` block), so its config and functions are known."""
    if not path.is_file():
        raise fail(f"Application file {path} not found.", 2)
    module = types.ModuleType("__mp_main__")
    module.__file__ = str(path.resolve())
    sys.modules["__mp_main__"] = module
    module.__dict__.update(runpy.run_path(str(path), run_name="__mp_main__"))
    sys.modules["__main__"] = module


def _report_table(report: RerunReport) -> Table:
    table = Table(title=str(report).splitlines()[0], title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("task", "original job", "output", "recorded", "re-run", "verdict"):
        table.add_column(column, overflow="fold")
    for job in report.jobs:
        verdict = job.verdict
        style = "green" if verdict in ("reproduced", "failed again") else "dim" if job.new_status is None else "red"
        rows = job.outputs or (None,)
        for check in rows:
            table.add_row(
                job.task_config_id,
                job.original_job_id,
                check.data_node_config_id if check else "",
                check.recorded_hash[:12] if check and check.recorded_hash else "",
                check.new_hash[:12] if check and check.new_hash else "",
                Text(verdict if check is None or check.reproduced else "differs", style),
            )
        if job.error:
            table.add_row("", "", "", "", "", Text(job.error, "red"))
    return table


@handles_errors
def rerun(
    submission_id: Annotated[str, typer.Argument(help="The id of a finished submission (SUBMISSION_...).")],
    application_path: Annotated[
        Path | None,
        typer.Option("--application-path", help="The application's main script, when its task functions live there."),
    ] = None,
    storage_folder: StorageFolder = Path(".ledgerflow"),
    event_store: StoreUrl = None,
) -> None:
    """Re-run a submission's jobs on the exact input values they read; exit 1 unless every output reproduced."""
    from ledgerflow.commands.progress import reading_log
    from ledgerflow.domain.config import FunctionNotImportable
    from ledgerflow.service.audit.rerun import rerun_in
    from ledgerflow.service.stores import maintaining

    use_working_directory_imports()
    if application_path is not None:
        _load_application(application_path)
    from ledgerflow.storage.id_search import resolve_id

    with open_store(storage_folder, event_store) as store:
        submission_id = resolve_id(store, submission_id)
    with reading_log() as folded, maintaining(storage_folder, event_store, on_fold=folded) as runtime:
        try:
            report = rerun_in(runtime, submission_id)
        except FunctionNotImportable as error:
            hint = (
                ""
                if application_path
                else " Pass --application-path SCRIPT when it is defined in the application's script."
            )
            raise fail(f"{error}{hint}") from None
    console.print(_report_table(report))
    if report.submission_id:
        console.print(f"Recorded as {report.submission_id} (rerun_of {submission_id}).", highlight=False)
    if not report.reproduced:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``replay`` and ``rerun`` to the ``ledgerflow`` command."""
    app.command()(replay)
    app.command()(rerun)
