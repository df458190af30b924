"""The tamper-evident log: a running hash chain over every event, and its verifier.

Each event's *link* is ``sha256(previous link + position + originator id + version + topic +
state)`` (the first event's previous link is 32 zero bytes; strings and state are
length-prefixed so no two events encode alike). Links live in the side table
``ledgerflow_chain(position, link)``, one row per committed run of positions (``chain_rows.py``),
inserted by the recorders in the same transaction as their events, so a committed event always
has its link. ``verify`` walks the log and the chain side by
side and reports the first event that was altered, removed, reordered or added behind
ledgerflow's back.

What it proves: anyone who edits, deletes or swaps event rows with SQL is caught, unless they
also recompute every later link. To catch that too, note the head (position and link) that
``verify`` prints somewhere else and pass it back later (``expect``): the chain up to that point
must still end in the same link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from ledgerflow.storage import batch
from ledgerflow.storage.batch import insert_values
from ledgerflow.storage.chain_rows import GENESIS, LINK, last_link_query, link_of, links_of, pack, unpack
from ledgerflow.storage.checkpoints import SqlRunner
from ledgerflow.storage.codec import StoredRow

__all__ = [
    "GENESIS",
    "TABLE",
    "Chain",
    "ChainReport",
    "Finding",
    "extend_chain",
    "last_link_query",
    "link_of",
    "verify",
]

TABLE = "ledgerflow_chain"
PAGE = 10_000
_ROWS = 64  # chain rows read per query (each up to a whole batch of links)
_UPGRADE_PAGE = 5_000  # rows per INSERT: two parameters each, under SQLite's limit

Row = tuple[int, str, int, str, bytes]  # position, originator_id, version, topic, state
Problem = Literal["altered", "removed", "reordered", "unchained", "head_mismatch"]


class Cursor(batch.Cursor, Protocol):
    """The DB-API cursor of the transaction inserting the events."""

    def fetchone(self) -> Any: ...


def extend_chain(
    cursor: Cursor,
    table: str,
    rows: Sequence[StoredRow],
    positions: Sequence[int],
    placeholder: str = "?",
    last: bytes | Literal[False] | None = False,
) -> None:
    """Insert the links of freshly inserted ``rows`` (inside their transaction, under its write lock).

    ``last``: the chain's last link before them, when the caller read it under the same lock
    (None: the chain is empty); else it is read here.
    """
    if not rows:
        return
    if last is False:
        cursor.execute(f"SELECT {last_link_query(table)}")
        found = cursor.fetchone()
        last = found[0] if isinstance(found, tuple) else next(iter(found.values()))
    links = links_of(bytes(last) if last is not None else GENESIS, rows, positions)
    insert_values(cursor, f"INSERT INTO {table} (position, link)", pack(positions, links), placeholder)


class EventRows(Protocol):
    """What the verifier reads events from (the store's recorder)."""

    def select_rows(self, after: int, until: int | None, limit: int, topics: Sequence[str] = ()) -> list[Row]:
        """Rows ``(position, originator_id, version, topic, state)`` after a position."""
        ...


class Chain:
    """The ``ledgerflow_chain`` table of one event store."""

    def __init__(self, runner: SqlRunner) -> None:
        self._runner = runner
        self.table = runner.qualify(TABLE)

    def create_table(self, events: EventRows) -> bool:
        """Create the table if needed; a store that had events before gets them linked (True).

        Linking an older store is an upgrade (about half a minute per million events): do it with
        no other process writing to the store.
        """
        # SQLite: INTEGER PRIMARY KEY is the rowid itself (BIGINT would add a second B-tree).
        key, blob = ("BIGINT", "BYTEA") if self._runner.dialect == "postgresql" else ("INTEGER", "BLOB")
        existed = self._exists()
        self._runner.run(
            f"CREATE TABLE IF NOT EXISTS {self.table} (position {key} PRIMARY KEY, link {blob} NOT NULL)",
            commit=True,
        )
        if existed or not events.select_rows(0, None, 1):
            return False
        self._link_existing(events)
        return True

    def _exists(self) -> bool:
        if self._runner.dialect == "postgresql":
            return self._runner.run("SELECT to_regclass(?)", [self.table])[0][0] is not None
        return bool(self._runner.run("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [TABLE]))

    def _link_existing(self, events: EventRows) -> None:
        """Link the events of a store written before ledgerflow kept a chain."""
        previous, after = GENESIS, 0
        while rows := events.select_rows(after, None, _UPGRADE_PAGE):
            params: list[object] = []
            for position, originator_id, version, topic, state in rows:
                previous = link_of(previous, position, originator_id, version, topic, bytes(state))
                params += [position, previous]
            values = ", ".join(["(?, ?)"] * len(rows))
            # Two processes upgrading at once compute the same links: the second adds nothing.
            statement = f"INSERT INTO {self.table} (position, link) VALUES {values} ON CONFLICT (position) DO NOTHING"
            self._runner.run(statement, params, commit=True)
            after = rows[-1][0]

    def links(self, after: int, until: int) -> Iterator[tuple[int, bytes]]:
        """Stored links ``(position, link)`` with ``after < position <= until``, in order."""
        statement = f"SELECT position, link FROM {self.table} WHERE position > ? ORDER BY position LIMIT {_ROWS}"
        while rows := self._runner.run(statement, [after]):
            for key, stored in rows:
                for position, link in unpack(int(key), bytes(stored)):
                    if position > until:
                        return
                    if position > after:
                        yield position, link
            after = int(rows[-1][0])

    def link_at(self, position: int) -> bytes | None:
        """The link of the event at ``position`` (the genesis link for 0), or None if there is none."""
        if position == 0:
            return GENESIS
        rows = self._runner.run(
            f"SELECT position, link FROM {self.table} WHERE position >= ? ORDER BY position LIMIT 1", [position]
        )
        if not rows:
            return None
        return next((link for at, link in unpack(int(rows[0][0]), bytes(rows[0][1])) if at == position), None)

    def head(self) -> tuple[int, bytes]:
        """The last position and link (0 and the genesis link for an empty log)."""
        rows = self._runner.run(
            f"SELECT position, substr(link, length(link) - {LINK - 1}) FROM {self.table} ORDER BY position DESC LIMIT 1"
        )
        return (int(rows[0][0]), bytes(rows[0][1])) if rows else (0, GENESIS)


@dataclass(frozen=True)
class Finding:
    """The first place where the log and its chain disagree."""

    problem: Problem
    position: int
    message: str
    originator_id: str | None = None
    originator_version: int | None = None
    moved_from: int | None = None


@dataclass(frozen=True)
class ChainReport:
    """The outcome of ``verify``: how far the log checked out, and the first problem if any."""

    checked: int
    head_position: int
    head_link: str
    finding: Finding | None

    @property
    def ok(self) -> bool:
        """Whether every event matched its link."""
        return self.finding is None


def verify(
    events: EventRows,
    chain: Chain,
    expect: tuple[int, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ChainReport:
    """Walk the log and its chain in order; report the first altered, removed or reordered event.

    ``expect``: a head noted earlier (position, hex link) that the chain must still pass through.
    ``progress``: called with (position, last position) every ``PAGE`` events.
    """
    until = max(_max_position(events, chain), expect[0] if expect else 0)
    previous, checked, last = GENESIS, 0, 0
    for position, row, stored in _merged(events, chain, until):
        if progress is not None and position % PAGE == 0:
            progress(position, until)
        if expect is not None and last < expect[0] < position:
            return ChainReport(checked, last, previous.hex(), _head_mismatch(expect, None))
        finding = _check(row, stored, position, previous, chain, until)
        if finding is not None:
            return ChainReport(checked, last, previous.hex(), finding)
        assert stored is not None
        previous, last, checked = stored, position, checked + 1
        if expect is not None and position == expect[0] and stored.hex() != expect[1]:
            return ChainReport(checked, last, previous.hex(), _head_mismatch(expect, stored))
    if expect is not None and expect[0] > last:
        return ChainReport(checked, last, previous.hex(), _head_mismatch(expect, None))
    return ChainReport(checked, last, previous.hex(), None)


def _max_position(events: EventRows, chain: Chain) -> int:
    head = chain.head()[0]
    last = 0
    # Rows past the chain's head (added behind ledgerflow's back) are found by paging on.
    after = head
    while rows := events.select_rows(after, None, PAGE):
        last = rows[-1][0]
        after = last
    return max(head, last)


def _merged(events: EventRows, chain: Chain, until: int) -> Iterator[tuple[int, Row | None, bytes | None]]:
    """(position, event row or None, stored link or None) for every position in either table."""
    rows = _paged_rows(events, until)
    links = _paged_links(chain, until)
    row, link = next(rows, None), next(links, None)
    while row is not None or link is not None:
        if link is None or (row is not None and row[0] < link[0]):
            assert row is not None
            yield row[0], row, None
            row = next(rows, None)
        elif row is None or link[0] < row[0]:
            yield link[0], None, link[1]
            link = next(links, None)
        else:
            yield row[0], row, link[1]
            row, link = next(rows, None), next(links, None)


def _paged_rows(events: EventRows, until: int) -> Iterator[Row]:
    after = 0
    while rows := events.select_rows(after, until, PAGE):
        yield from rows
        after = rows[-1][0]


def _paged_links(chain: Chain, until: int) -> Iterator[tuple[int, bytes]]:
    return chain.links(0, until)


def _check(
    row: Row | None,
    stored: bytes | None,
    position: int,
    previous: bytes,
    chain: Chain,
    until: int,
) -> Finding | None:
    if row is None:
        return Finding(
            "removed",
            position,
            f"The event at position {position} was removed: its link is in the chain, the event is not in the log.",
        )
    _, originator_id, version, topic, state = row
    what = f"{originator_id} v{version} ({topic})"
    if stored is None:
        return Finding(
            "unchained",
            position,
            f"The event at position {position}, {what}, has no link in the chain: "
            "it was added to the log behind ledgerflow's back (or its link was deleted).",
            originator_id,
            version,
        )
    if link_of(previous, position, originator_id, version, topic, bytes(state)) == stored:
        return None
    origin = _recorded_at(row, chain, until)
    if origin is not None and origin != position:
        return Finding(
            "reordered",
            position,
            f"The log was reordered: position {position} holds {what}, which was recorded at position {origin}.",
            originator_id,
            version,
            moved_from=origin,
        )
    return Finding(
        "altered",
        position,
        f"The event at position {position}, now {what}, was altered: it no longer matches its link "
        "(or an event just before it was removed together with its link).",
        originator_id,
        version,
    )


def _recorded_at(row: Row, chain: Chain, until: int) -> int | None:
    """The position whose link this event's content produces, if any (a moved event)."""
    _, originator_id, version, topic, state = row
    previous = GENESIS
    for position, link in _paged_links(chain, until):
        if link_of(previous, position, originator_id, version, topic, bytes(state)) == link:
            return position
        previous = link
    return None


def _head_mismatch(expect: tuple[int, str], stored: bytes | None) -> Finding:
    position, link = expect
    now = f"its link is now {stored.hex()}" if stored is not None else "that position is no longer in the log"
    return Finding(
        "head_mismatch",
        position,
        f"The chain no longer passes through the head you noted (position {position}, link {link}): "
        f"{now}. The log up to there was rewritten or cut.",
    )
