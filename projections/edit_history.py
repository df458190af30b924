"""A data node's writes: how many, the last ones in memory, the older ones read back from the log.

Every write of a node is a ``DataNode.Written`` event, and a node may be written without end (a job's
output, at every run). The projection keeps the count and the last ``keep`` writes of each node
(``CurrentState.keep_writes``); the older ones are the node's first ``Written`` events, read back
from the log when asked for (``runtime/older_writes.py``, installed with ``CurrentState.set_read_back``).
``len``, indexing, slices, iteration and ``reversed`` give what the whole list would; the last write
and the count, which commands and skip decisions use, never read the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, overload

from ledgerflow.domain.errors import IncompleteLog
from ledgerflow.projections.records import RecordLike

#: The most writes of one node kept in memory (fewer with a smaller ``keep_finished_jobs``).
KEEP_WRITES = 10
#: Reads a node's first ``count`` writes from the log: ``read(node_id, count)``.
ReadWrites = Callable[[str, int], list["Edit"]]


@dataclass(slots=True)
class Edit:
    """One write of a data node."""

    timestamp: datetime
    content_hash: str
    size: int
    location: str
    kind: str
    job_id: str | None
    editor_id: str | None
    comment: str | None
    extra: dict[str, Any]


def edit_of(record: RecordLike) -> Edit:
    """The write a ``DataNode.Written`` event records."""
    p = record.payload
    return Edit(
        record.timestamp,
        p["content_hash"],
        p["size"],
        p["location"],
        p["kind"],
        p["job_id"],
        p["editor_id"],
        p["comment"],
        p["extra"],
    )


def _same(one: Edit, other: Edit) -> bool:
    """Whether two writes read from the log or the fold are the same (their scalar fields)."""
    return (one.content_hash, one.size, one.location, one.kind, one.job_id, one.editor_id, one.comment) == (
        other.content_hash,
        other.size,
        other.location,
        other.kind,
        other.job_id,
        other.editor_id,
        other.comment,
    )


class OlderWrites:
    """Where the histories of one state read their older writes (None until a log is installed)."""

    __slots__ = ("read",)

    def __init__(self, read: ReadWrites | None = None) -> None:
        self.read = read


class WritesLeftMemory(LookupError):
    """Older writes of a node are needed, and the state has no log to read them from."""


class EditHistory(Sequence[Edit]):
    """Every write of one data node, oldest first; only the last ones are held in memory.

    ``_written`` is one pair (how many writes are not in memory, the last writes), replaced whole
    when writes leave memory: a reader on another thread sees a count and writes that belong together.
    """

    __slots__ = ("_written", "node_id", "older")

    def __init__(self, total: int = 0, recent: Sequence[Edit] = (), node_id: str = "") -> None:
        self.node_id = node_id
        self.older: OlderWrites | None = None
        self._written: tuple[int, list[Edit]] = (total - len(recent), list(recent))

    # -- the fold ---------------------------------------------------------------------------------
    def append(self, edit: Edit, keep: int | None = None) -> None:
        """Add the newest write; past ``keep`` writes in memory, the oldest leave it."""
        dropped, recent = self._written
        if keep is None or len(recent) < keep:
            recent.append(edit)  # the count moves with the list: still a consistent pair
        else:
            start = len(recent) - max(keep, 1) + 1
            self._written = (dropped + start, [*recent[start:], edit])

    @property
    def total(self) -> int:
        """How many writes the node received."""
        dropped, recent = self._written
        return dropped + len(recent)

    @property
    def recent(self) -> list[Edit]:
        """The writes held in memory, oldest first (the last ones)."""
        return list(self._written[1])

    @property
    def in_memory(self) -> bool:
        """Whether every write is held in memory (nothing to read back)."""
        return self._written[0] == 0

    # -- reads --------------------------------------------------------------------------------------
    def _older(self, count: int) -> list[Edit]:
        """The first ``count`` writes, from the log; when they are all that left memory, the log's next
        write must be the first one in memory (else writes are missing from the log)."""
        read = self.older.read if self.older is not None else None
        if read is None:
            raise WritesLeftMemory(
                f"The first {count} writes of data node {self.node_id} left memory, and this state has no log "
                "to read them back from."
            )
        dropped, recent = self._written
        anchored = count == dropped and bool(recent)
        writes = read(self.node_id, count + 1 if anchored else count)
        if len(writes) < count or (anchored and (len(writes) == count or not _same(writes[count], recent[0]))):
            raise IncompleteLog(
                f"The log lacks writes of data node {self.node_id} that left memory ({len(writes)} of the first "
                f"{count} found in order): it was cut or altered. `ledgerflow audit verify` checks it."
            )
        return writes[:count]

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    @overload
    def __getitem__(self, index: int) -> Edit: ...
    @overload
    def __getitem__(self, index: slice) -> list[Edit]: ...
    def __getitem__(self, index: int | slice) -> Edit | list[Edit]:
        dropped, recent = self._written
        recent = list(recent)
        total = dropped + len(recent)
        if isinstance(index, slice):
            wanted = range(*index.indices(total))
            older = self._older(min(dropped, max(wanted) + 1)) if wanted and min(wanted) < dropped else []
            return [older[i] if i < dropped else recent[i - dropped] for i in wanted]
        at = index + total if index < 0 else index
        if not 0 <= at < total:
            raise IndexError(f"data node {self.node_id} has {total} writes; there is no write {index}")
        return recent[at - dropped] if at >= dropped else self._older(at + 1)[at]

    def __iter__(self) -> Iterator[Edit]:
        dropped, recent = self._written
        recent = list(recent)
        if dropped:
            yield from self._older(dropped)
        yield from recent

    def __reversed__(self) -> Iterator[Edit]:
        """Newest first; the log is read only if the caller goes past the writes in memory."""
        dropped, recent = self._written
        yield from reversed(list(recent))
        if dropped:
            yield from reversed(self._older(dropped))

    def last_where(self, test: Callable[[Edit], bool]) -> Edit | None:
        """The newest write passing ``test`` (None if none does)."""
        return next((edit for edit in reversed(self) if test(edit)), None)

    def __eq__(self, other: object) -> bool:
        """Histories are equal when they count the same writes and the writes both hold in memory agree;
        a list when it holds every write."""
        if isinstance(other, EditHistory):
            mine, theirs = self._written[1], other._written[1]
            shared = min(len(mine), len(theirs))
            return self.total == other.total and mine[len(mine) - shared :] == theirs[len(theirs) - shared :]
        if isinstance(other, list):
            return len(other) == self.total and list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        dropped, recent = self._written
        return f"EditHistory(total={dropped + len(recent)}, recent={recent!r})"

    # -- checkpoints --------------------------------------------------------------------------------
    def to_plain(self, encode: Callable[[Edit], Any]) -> list[Any]:
        """``[total, [last writes...]]``: what a checkpoint holds."""
        dropped, recent = self._written
        recent = list(recent)
        return [dropped + len(recent), [encode(edit) for edit in recent]]
