"""How the audit commands show events: a rich table (paged on a terminal) or JSON lines."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ledgerflow.commands.common import console
from ledgerflow.domain.datanode import DataNodeTopics
from ledgerflow.domain.enums import Status, SubmissionStatus
from ledgerflow.domain.job import JobTopics
from ledgerflow.domain.submission import SubmissionTopics
from ledgerflow.service.audit.history import LogEvent

__all__ = ["event_table", "local_time", "print_json_lines", "shorten_ids", "show", "summary"]

_DETAIL_WIDTH = 70
# Time-ordered ids begin alike (the timestamp): their last 8 hex digits, random, tell them apart.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}([0-9a-f]{8})")
_NOT_SHOWN = ("originator_topic", "key")
_STATUS_OF = {JobTopics.STATUS_CHANGED: Status, SubmissionTopics.STATUS_CHANGED: SubmissionStatus}


def local_time(moment: datetime) -> str:
    """A moment as local time to the second, as the tables show it."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def summary(event: LogEvent) -> str:
    """The gist of an event's payload on one line (ids shortened: ``--json`` has everything)."""
    p = event.payload
    status_enum = _STATUS_OF.get(event.topic)
    if event.topic == JobTopics.CREATED:  # created SUBMITTED, or SKIPPED at submission
        status = Status(p.get("status", Status.SUBMITTED))
        rest = _fields(p, hidden=("status", "reason"))
        return _cut(rest if status is Status.SUBMITTED else f"{status.name} at submission: {p.get('reason')}; {rest}")
    if status_enum is not None and "status" in p:
        text = status_enum(p["status"]).name
        return f"{text}: {p['reason']}" if p.get("reason") else text
    if event.topic == DataNodeTopics.WRITTEN:
        who = f"job {shorten_ids(p['job_id'])}" if p.get("job_id") else f"editor {p.get('editor_id') or '?'}"
        text = f"{p.get('kind', 'write')} {str(p.get('content_hash', ''))[:12]} ({p.get('size', 0):,} B) by {who}"
        return f"{text}: {p['comment']}" if p.get("comment") else text
    return _cut(_fields(p))


def _fields(payload: dict[str, Any], hidden: tuple[str, ...] = ()) -> str:
    return ", ".join(
        f"{key}={_short(value)}"
        for key, value in payload.items()
        if key not in _NOT_SHOWN and key not in hidden and value not in (None, "", [], {})
    )


def _short(value: Any) -> str:
    if isinstance(value, list | tuple | set):
        return f"[{len(value)}]"
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, datetime):
        return local_time(value)
    return _cut(shorten_ids(str(value)), 40)


def _cut(text: str, width: int = _DETAIL_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def shorten_ids(text: str) -> str:
    """Ids with their UUID cut to its last 8 hex digits (``JOB_double_…c3d40e76``): any command takes that."""
    return _UUID.sub(r"…\1", text)


def event_table(
    events: Iterable[LogEvent], *, title: str | None = None, entity_column: bool = True, wide: bool = False
) -> Table:
    """A table of events: position, time, entity, event, who (and for which submission), why, details.

    Ids are shortened unless ``wide``.
    """
    ids = (lambda text: text) if wide else shorten_ids
    table = Table(title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right", style="cyan", no_wrap=True)
    table.add_column("time (local)", no_wrap=True)
    if entity_column:
        table.add_column("entity", overflow="fold", ratio=2)
    table.add_column("event", style="bold", overflow="fold", ratio=2)
    table.add_column("by / for submission", overflow="fold", ratio=2)
    table.add_column("reason", overflow="fold", ratio=1)
    table.add_column("details", overflow="fold", ratio=3)
    for event in events:
        cells: list[str | Text] = [str(event.position), local_time(event.time)]
        if entity_column:
            cells.append(ids(f"{event.entity_id} v{event.entity_version}"))
        by = Text(event.actor or "")
        if event.correlation_id:
            by.append(f"\n{ids(event.correlation_id)}", style="dim")
        cells += [event.name, by, event.reason or "", summary(event)]
        table.add_row(*cells)
    return table


_MIN_FILE_WIDTH = 160


def show(table: Table, rows: int) -> None:
    """Print a table: paged on a terminal when taller than the screen; wide enough when redirected."""
    if not console.is_terminal:
        Console(width=max(console.width, _MIN_FILE_WIDTH), highlight=False, markup=False, emoji=False).print(table)
    elif rows + 6 > console.height:
        os.environ.setdefault("LESS", "-RS")  # keep colours, do not wrap long rows
        with console.pager(styles=True):
            console.print(table)
    else:
        console.print(table)


def print_json_lines(events: Iterable[LogEvent]) -> int:
    """One JSON object per event and line on stdout; how many."""
    count = 0
    write = sys.stdout.buffer.write
    for event in events:
        write(orjson.dumps(event.as_dict(), default=str) + b"\n")
        count += 1
    sys.stdout.flush()
    return count
