"""The start-up check: the hash-chain links of the log's tail, read in one statement.

``ledgerflow audit verify`` walks the whole log (``chain.verify``); a process opening the store for
writing checks only the tail since its checkpoint (at most ``TAIL_LIMIT`` events), so a store
edited or cut there is refused at once, with a pointer to ``audit verify``, instead of starting
silently — or failing at its first commit with a raw ``UNIQUE constraint failed:
ledgerflow_chain.position`` after a cut tail (SQLite gives the next event a removed event's
position, whose link is still in the chain).

The events and their links are read by one statement, so the check sees one snapshot: an event
another process commits meanwhile is seen with its link or not at all. Chain rows hold runs of
links (``chain_rows.py``); they are unpacked here.
"""

from __future__ import annotations

from typing import Any, Protocol

from ledgerflow.storage.chain import TABLE, Finding
from ledgerflow.storage.chain_rows import GENESIS, link_of, unpack

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
    # A chain row holds the links of a run of positions ending at its own: the rows from the last
    # one at or before ``start`` on hold every link from there.
    rows = recorder.run(
        f"SELECT {pos}, originator_id, originator_version, topic, state, NULL FROM {events} WHERE {pos} > ? "
        "UNION ALL "
        f"SELECT position, NULL, NULL, NULL, NULL, link FROM {chain} WHERE position >= "
        f"COALESCE((SELECT max(position) FROM {chain} WHERE position <= ?), 0) "
        "ORDER BY 1",
        [start, start],
    )
    links: dict[int, bytes] = {}
    found: dict[int, tuple[Any, ...]] = {}
    for row in rows:
        if row[5] is not None:
            links.update(unpack(int(row[0]), bytes(row[5])))
        elif row[1] is not None:
            found[int(row[0])] = row
    earlier = [p for p in links if p <= start]
    previous = links[max(earlier)] if earlier else GENESIS
    for position in sorted(found.keys() | {p for p in links if p > start}):
        finding = _finding(position, found.get(position), links.get(position), previous)
        if finding is not None:
            return finding
        previous = links[position]
    return None


def _finding(position: int, row: tuple[Any, ...] | None, link: bytes | None, previous: bytes) -> Finding | None:
    """What is wrong at ``position``: its event row ``(position, originator_id, version, topic, state, _)``
    and stored link, either missing."""
    if row is None:
        message = f"the event at position {position} was removed, its link is still in the chain"
        return Finding("removed", position, message)
    _, originator_id, version, topic, state, _ = row
    what = f"{originator_id} v{version} ({topic})"
    if link is None:
        message = f"the event at position {position}, {what}, has no link"
        return Finding("unchained", position, message, originator_id, version)
    if link_of(previous, position, originator_id, version, topic, bytes(state)) != link:
        message = f"the event at position {position}, {what}, was altered"
        return Finding("altered", position, message, originator_id, version)
    return None
