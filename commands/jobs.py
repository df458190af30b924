"""``ledgerflow jobs``: what is queued and running now, in any process (see ``service/submitting/live_jobs.py``)."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path

import orjson
import typer
from rich import box
from rich.table import Table
from rich.text import Text

from ledgerflow.commands.audit import Json, Wide
from ledgerflow.commands.common import console, handles_errors
from ledgerflow.commands.options import StorageFolder, StoreUrl

__all__ = ["jobs", "register"]

_STYLE = {"RUNNING": "green", "PENDING": "cyan", "BLOCKED": "yellow", "SUBMITTED": ""}


@handles_errors
def jobs(
    json: Json = False,
    wide: Wide = False,
    storage_folder: StorageFolder = Path(".ledgerflow"),
    event_store: StoreUrl = None,
) -> None:
    """The jobs queued or running now, whichever process submitted them, oldest first."""
    from ledgerflow.commands.audit_render import local_time, shorten_ids
    from ledgerflow.service.submitting.live_jobs import unfinished_jobs

    found = unfinished_jobs(str(storage_folder), event_store)
    if json:
        for job in found:
            sys.stdout.buffer.write(orjson.dumps(asdict(job), default=str) + b"\n")
        return
    if not found:
        console.print("No job is queued or running.")
        return
    ids = (lambda text: text) if wide else shorten_ids
    table = Table(title=f"{len(found)} jobs queued or running", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("job", "task", "status", "since (local)", "submission", "version", "process"):
        table.add_column(column, overflow="fold")
    for job in found:
        process = f"{job.process} ({job.process_state})" if job.process_state else job.process
        table.add_row(
            ids(job.id),
            job.task,
            Text(job.status, _STYLE.get(job.status, "")),
            local_time(job.since),
            ids(job.submission_id),
            job.version,
            process,
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``jobs`` to the ``ledgerflow`` command."""
    app.command()(jobs)
