"""Past listings read from the entity index instead of a fold of the log.

Listing every scenario (data node, job...) as of a position needs only which entities existed
then and which application version each belonged to. The store's entity index
(``storage/entity_index.py``) has one row per creation, deletion and migration; replaying one
table's rows up to the position, with the version renames and migrations of that time, gives the
ids the fold has in that table, in the fold's order (creation order, a re-created sequence last),
at the cost of reading those rows: about what a present listing costs, where the fold of the log
up to the position took seconds on a store of a million events.

Listings that need more than ids and versions (by tag or cycle, by creation window, sorted) still
read the complete past state, as do the other cross-entity queries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from ledgerflow.storage.entity_index import CREATED, DELETED, Change


class VersionMove(Protocol):
    """A version event that moves every entity of version ``old`` to version ``new``."""

    @property
    def position(self) -> int: ...
    @property
    def old(self) -> str: ...
    @property
    def new(self) -> str: ...


@dataclass(slots=True)
class Alive:
    """An entity alive at a position: its version then and its creation time (microseconds since the epoch)."""

    version: str | None
    created_at: int | None


def alive(changes: Sequence[Change], moves: Sequence[VersionMove]) -> dict[str, Alive]:
    """The entities alive after ``changes``, by id, in the fold's order.

    ``moves`` (in log order) are applied where they fall among the changes, as the fold applies them.
    """
    living: dict[str, Alive] = {}
    next_move = 0
    for position, entity_id, change, version, created_at in changes:
        while next_move < len(moves) and moves[next_move].position < position:
            _move(living, moves[next_move])
            next_move += 1
        if change == CREATED:
            living[entity_id] = Alive(version, created_at)  # a re-created id goes last, as in the fold's dict
        elif change == DELETED:
            living.pop(entity_id, None)
        else:
            entry = living.get(entity_id)
            if entry is not None:
                entry.version = version
    for move in moves[next_move:]:
        _move(living, move)
    return living


def _move(living: dict[str, Alive], move: VersionMove) -> None:
    for entry in living.values():
        if entry.version == move.old:
            entry.version = move.new


def listed(changes: Sequence[Change], moves: Sequence[VersionMove], visible: Callable[[str], bool]) -> dict[str, Alive]:
    """The entities alive after ``changes`` whose version is ``visible``, by id, in the fold's order."""
    return {
        entity_id: entry
        for entity_id, entry in alive(changes, moves).items()
        if entry.version is not None and visible(entry.version)
    }
