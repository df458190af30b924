"""Audit commands: ``history ID``, ``events`` and ``audit verify``.

They read the event store directly (``--storage-folder``, default ``.ledgerflow/``, or
``--event-store URL`` / ``LEDGERFLOW_EVENT_STORE``): no application runs, no version is
activated, and nothing is written.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from ledgerflow.commands.common import console, fail, handles_errors
from ledgerflow.commands.options import StorageFolder, StoreUrl, open_store

if TYPE_CHECKING:
    pass


DEFAULT_LIMIT = 1000

Json = Annotated[bool, typer.Option("--json", help="One JSON object per event and line, for machines.")]
Wide = Annotated[bool, typer.Option("--wide", help="Show ids whole (tables shorten their UUIDs).")]


@handles_errors
def history(
    entity_id: Annotated[str, typer.Argument(help="The id of a scenario, data node, task, job, submission...")],
    own: Annotated[bool, typer.Option("--own", help="Only the entity's own events, without its children.")] = False,
    json: Json = False,
    wide: Wide = False,
    storage_folder: StorageFolder = Path(".ledgerflow"),
    event_store: StoreUrl = None,
) -> None:
    """Every event of an entity, in order (a scenario's include its tasks, data, submissions and jobs)."""
    from ledgerflow.commands.audit_render import event_table, print_json_lines, show
    from ledgerflow.service.audit.history import history_of
    from ledgerflow.storage.id_search import resolve_id

    with open_store(storage_folder, event_store) as store:
        entity_id = resolve_id(store, entity_id)
        events = history_of(store, entity_id, children=not own)
    if json:
        print_json_lines(events)
        return
    several = len({e.entity_id for e in events}) > 1
    title = f"History of {entity_id}: {_count(len(events))}"
    show(event_table(events, title=title, entity_column=several, wide=wide), len(events))


@handles_errors
def events(
    since: Annotated[str | None, typer.Option(help="From this position or time (1200, 2025-05-01T10:30, -2h).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this position or time (inclusive).")] = None,
    type_: Annotated[
        list[str] | None, typer.Option("--type", help="A topic or a prefix (job, datanode.written); repeatable.")
    ] = None,
    entity: Annotated[list[str] | None, typer.Option("--entity", help="Only this entity's events; repeatable.")] = None,
    limit: Annotated[
        int | None, typer.Option(help=f"At most this many events (tables: {DEFAULT_LIMIT} by default; 0: all).")
    ] = None,
    json: Json = False,
    wide: Wide = False,
    storage_folder: StorageFolder = Path(".ledgerflow"),
    event_store: StoreUrl = None,
) -> None:
    """The log, or a filtered part of it, in order."""
    from ledgerflow.commands.audit_render import event_table, print_json_lines, show
    from ledgerflow.service.audit.history import read_events
    from ledgerflow.service.timetravel.view import parse_when
    from ledgerflow.storage.id_search import resolve_id

    start = parse_when(since) if since else None
    end = parse_when(until) if until else None
    if limit is not None and limit < 0:
        raise fail(f"--limit is {limit}: use 0 (no limit) or a positive number.", 2)
    cap = limit if limit is not None else (0 if json else DEFAULT_LIMIT)
    with open_store(storage_folder, event_store) as store:
        entities = [resolve_id(store, e) for e in entity or ()]
        found = read_events(store, start, end, type_ or (), entities)
        chosen = islice(found, cap + 1) if cap else found
        if json:
            print_json_lines(islice(chosen, cap) if cap else chosen)
            return
        listed = list(chosen)
    more = bool(cap) and len(listed) > cap
    listed = listed[:cap] if cap else listed
    title = _count(len(listed)) + (
        f" (the first {cap}; more follow: narrow the filters or raise --limit)" if more else ""
    )
    show(event_table(listed, title=title, wide=wide), len(listed))


@handles_errors
def verify(
    expect: Annotated[
        str | None,
        typer.Option(help="A head noted earlier, POSITION:LINK: the chain must still pass through it."),
    ] = None,
    storage_folder: StorageFolder = Path(".ledgerflow"),
    event_store: StoreUrl = None,
) -> None:
    """Check every event against the hash chain; report the first altered, removed or reordered one."""
    from ledgerflow.commands.progress import progress
    from ledgerflow.runtime.checkpoints import check_saved_state

    noted = _parse_head(expect) if expect else None
    with open_store(storage_folder, event_store) as store, progress("Verifying the hash chain") as report_progress:
        report = store.verify_chain(noted, report_progress)
        where = store.where
        checkpoint = check_saved_state(store)
    if report.finding is None:
        console.print(
            Text.assemble(
                ("✔", "green"), f" The log is intact: {report.checked:,} events match the hash chain ({where})."
            ),
            soft_wrap=True,
        )
        console.print(f"Head: position {report.head_position}, link {report.head_link}", soft_wrap=True)
        console.print(
            "Note the head elsewhere; --expect POSITION:LINK later detects a rewrite of the log up to it.",
            style="dim",
            soft_wrap=True,
        )
        _report_checkpoint(checkpoint)
        return
    console.print(f"✘ {report.finding.message}", style="red", highlight=False, soft_wrap=True)
    console.print(
        f"The {report.checked:,} events before it match the chain (up to position {report.head_position}).",
        soft_wrap=True,
    )
    raise typer.Exit(1)


def _count(events: int) -> str:
    return f"{events:,} event" + ("" if events == 1 else "s")


def _report_checkpoint(checkpoint: tuple[int, str | None] | None) -> None:
    """The projection checkpoint start-ups load: sealed to the chain, or changed behind ledgerflow's back."""
    if checkpoint is None:
        return
    position, problem = checkpoint
    if problem is None:
        console.print(f"The checkpoint at position {position:,} matches its seal and the chain.", soft_wrap=True)
        return
    console.print(
        f"✘ The checkpoint at position {position:,} was not saved by ledgerflow as it is: {problem}. "
        "Start-ups do not use it (they fold the log); `ledgerflow replay` writes a new one.",
        style="red",
        soft_wrap=True,
    )
    raise typer.Exit(1)


def _parse_head(text: str) -> tuple[int, str]:
    position, _, link = text.partition(":")
    if not position.strip().isdigit() or len(link.strip()) != 64:
        raise fail(f'--expect "{text}" is not POSITION:LINK (a position and the 64-hex-digit link verify printed).', 2)
    return int(position), link.strip().lower()


def register(app: typer.Typer) -> None:
    """Add the audit commands to the ``ledgerflow`` command."""
    app.command()(history)
    app.command()(events)
    audit = typer.Typer(help="Check the log's integrity.", no_args_is_help=True)
    audit.command()(verify)
    app.add_typer(audit, name="audit")
