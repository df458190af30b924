"""The start-up check: the hash-chain links of the log's tail, read in one statement.

``ledgerflow audit verify`` walks the whole log (``chain.verify``); a process opening the store for
writing checks only the tail since its checkpoint (at most ``TAIL_LIMIT`` events), so a store
edited or cut there is refused at once, with a pointer to ``audit verify``, instead of starting
silently — or failing at its first commit with a raw ``UNIQUE constraint failed:
ledgerflow_chain.position`` after a cut tail (SQLite gives the next event a removed event's
position, whose link is still in the chain).

The events and their links are read by one statement, so the check sees one snapshot: an event
another process commits meanwhile is seen with its link or not at all.
"""

from __future__ import annotations

from typing import Any, Protocol

from ledgerflow.storage.chain import GENESIS, TABLE, Finding, link_of

__all__ = ["TAIL_LIMIT", "check_tail"]

#: The most events the start-up check reads (a checkpoint is saved every 5,000 or so).
TAIL_LIMIT = 10_000


class TailRecorder(Protocol):
    """What the check reads with: the store's recorder."""

    dialect: str
    events_table_name: str

    def run(self, statement: str, params: Any = (), *, commit: bool = False) -> list[tuple[Any, ...]]: ...
    def qualify(self, table: str) -> str: ...


def check_tail(recorder: TailRecorder, after: int) -> Finding | None:
    """The first broken link after position ``after`` (or in the last ``TAIL_LIMIT`` events), else None."""
    events = recorder.qualify(recorder.events_table_name)
    chain = recorder.qualify(TABLE)
    pos = "rowid" if recorder.dialect == "sqlite" else "notification_id"
    heads = f"SELECT (SELECT max({pos}) FROM {events}), (SELECT max(position) FROM {chain})"
    last_event, last_link = recorder.run(heads)[0]
    head = max(last_event or 0, last_link or 0)
    start = max(after, head - TAIL_LIMIT, 0)
    before = recorder.run(f"SELECT link FROM {chain} WHERE position <= ? ORDER BY position DESC LIMIT 1", [start])
    previous = bytes(before[0][0]) if before else GENESIS
    rows = recorder.run(
        f"SELECT e.{pos}, e.originator_id, e.originator_version, e.topic, e.state, c.link "
        f"FROM {events} e LEFT JOIN {chain} c ON c.position = e.{pos} WHERE e.{pos} > ? "
        "UNION ALL "
        f"SELECT c.position, NULL, NULL, NULL, NULL, c.link FROM {chain} c WHERE c.position > ? "
        f"AND NOT EXISTS (SELECT 1 FROM {events} e WHERE e.{pos} = c.position) "
        "ORDER BY 1",
        [start, start],
    )
    for row in rows:
        finding = _finding(row, previous)
        if finding is not None:
            return finding
        previous = bytes(row[5])
    return None


def _finding(row: tuple[Any, ...], previous: bytes) -> Finding | None:
    """What is wrong with one row ``(position, originator_id, version, topic, state, link)``, if anything."""
    position, originator_id, version, topic, state, link = int(row[0]), *row[1:]
    if originator_id is None:
        message = f"the event at position {position} was removed, its link is still in the chain"
        return Finding("removed", position, message)
    what = f"{originator_id} v{version} ({topic})"
    if link is None:
        message = f"the event at position {position}, {what}, has no link"
        return Finding("unchained", position, message, originator_id, version)
    assert version is not None and topic is not None
    if link_of(previous, position, originator_id, version, topic, bytes(state)) != bytes(link):
        message = f"the event at position {position}, {what}, was altered"
        return Finding("altered", position, message, originator_id, version)
    return None
