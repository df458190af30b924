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


#: An entity alive at a position: (its version then, its creation time in microseconds since the epoch).
Alive = tuple[str, int]


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
            living[entity_id] = (version, created_at)  # type: ignore[assignment]  # a created row has both
        elif change == DELETED:
            living.pop(entity_id, None)
        elif entity_id in living:
            living[entity_id] = (version, living[entity_id][1])  # type: ignore[assignment]  # as has a moved row
    for move in moves[next_move:]:
        _move(living, move)
    return living


def _move(living: dict[str, Alive], move: VersionMove) -> None:
    for entity_id, (version, created_at) in living.items():
        if version == move.old:
            living[entity_id] = (move.new, created_at)


def listed(changes: Sequence[Change], moves: Sequence[VersionMove], visible: Callable[[str], bool]) -> dict[str, Alive]:
    """The entities alive after ``changes`` whose version is ``visible``, by id, in the fold's order."""
    living = alive(changes, moves)
    shown = {version: visible(version) for version in {entry[0] for entry in living.values()}}
    return {entity_id: entry for entity_id, entry in living.items() if shown[entry[0]]}
