"""Time-travel commands: ``show ID [--as-of WHEN]`` and ``graph SCENARIO_ID [--format ...] [--as-of WHEN]``.

They read the event store directly, like the audit commands (``--storage-folder``, default
``.ledgerflow/``, or ``--event-store URL`` / ``LEDGERFLOW_EVENT_STORE``): no application runs,
no version is activated, nothing is written. Entities of every application version are shown.
``WHEN`` is a log position (1234), a moment ago (-15m, -2h, -3d) or an ISO date or datetime.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ledgerflow.commands.common import console, handles_errors
from ledgerflow.commands.options import StorageFolder, StoreUrl

if TYPE_CHECKING:
    from ledgerflow.service.timetravel.view import PastView

__all__ = ["open_past", "register"]

AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="A log position (1234), a moment ago (-15m, -2h) or an ISO date/datetime."),
]


def use_working_directory_imports() -> None:
    """Let values and functions of the application's own modules load (as ``python -m`` would)."""
    here = os.getcwd()
    if here not in sys.path:
        sys.path.insert(0, here)


@contextmanager
def open_past(storage_folder: Path, event_store: str | None, as_of: str | None) -> Iterator[PastView]:
    """A read-only view of the application's log as of ``as_of`` (its end when None)."""
    from ledgerflow.service.stores import reading
    from ledgerflow.service.timetravel.view import open_view, parse_when

    use_working_directory_imports()
    when = parse_when(as_of) if as_of else None
    with reading(storage_folder, event_store) as reader:
        yield open_view(reader.store, reader.blobs, when)


@handles_errors
def show(
    entity_id: Annotated[str, typer.Argument(help="The id of a scenario, data node, task, job, submission...")],
    as_of: AsOf = None,
    storage_folder: StorageFolder = Path(".ledgerflow"),
    event_store: StoreUrl = None,
) -> None:
    """An entity, its data values and its jobs, as they are — or as they were (--as-of)."""
    from ledgerflow.commands.ids import full_id
    from ledgerflow.commands.show_render import render_entity

    entity_id = full_id(storage_folder, event_store, entity_id)
    with open_past(storage_folder, event_store, as_of) as view:
        render_entity(view, view.get(entity_id))


@handles_errors
def graph(
    scenario_id: Annotated[str, typer.Argument(help="The id of a scenario.")],
    format: Annotated[str, typer.Option("--format", "-f", help="mermaid, dot, svg or png.")] = "mermaid",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (svg/png default: SCENARIO_ID.FORMAT).")
    ] = None,
    as_of: AsOf = None,
    storage_folder: StorageFolder = Path(".ledgerflow"),
    event_store: StoreUrl = None,
) -> None:
    """The scenario's DAG: tasks coloured by their last job's status, data nodes by their state, stale dashed."""
    from ledgerflow.commands.ids import full_id
    from ledgerflow.domain.errors import LedgerflowError
    from ledgerflow.service.graph import FORMATS, render, scenario_graph

    if format not in FORMATS:
        raise LedgerflowError(f'Unknown format "{format}": use one of {", ".join(FORMATS)}.')
    scenario_id = full_id(storage_folder, event_store, scenario_id)
    if not scenario_id.startswith("SCENARIO_"):
        raise LedgerflowError(f'"{scenario_id}" is not a scenario id: graph draws a scenario (SCENARIO_...).')
    with open_past(storage_folder, event_store, as_of) as view:
        view.get(scenario_id)
        moment = view.moment if as_of and view.moment else datetime.now()
        picture = render(scenario_graph(view.state, scenario_id, moment), format)
    if output is None and format in ("svg", "png"):
        output = Path(f"{scenario_id}.{format}")
    if output is None:
        sys.stdout.write(picture.decode())
        return
    output.write_bytes(picture)
    console.print(f"Wrote the graph of {scenario_id} to {output} ({len(picture):,} bytes).", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``show`` and ``graph`` to the ``ledgerflow`` command."""
    app.command()(show)
    app.command()(graph)
