"""The projection as it was at an earlier position of the log, folded lazily.

An ``as_of`` view must answer a lookup and a read in milliseconds on a store of a million
events, so a ``PastState`` does not fold the whole log up to its position. Looking an entity up
folds only that entity's events up to the position (one indexed query), with the fold of the live
state (``CurrentState.apply``). What needs every entity — listings, and the parents, jobs-per-task
and scenarios-per-cycle indexes — folds the log up to the position once (from the saved
checkpoint when it is not later), and the view reads that complete state from then on. Plain
listings do not need it: the view reads them from the store's entity index (``past_listings.py``).

Application versions are few: they are all folded in when the state is made (one indexed range
query). A version rename or migration moves the entities of one version to another; an entity
folded in later gets the moves that happened after its creation, in log order. A scenario's
sequences are created with it, in the same command, so their events follow the scenario's first
event: looking a scenario (or one of its sequences) up folds them all, in order.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator
from itertools import takewhile
from typing import Any, NamedTuple

from ledgerflow.domain.scenario import ScenarioTopics
from ledgerflow.domain.sequence import SequenceTopics
from ledgerflow.domain.version import VersionTopics
from ledgerflow.projections.current import CurrentState
from ledgerflow.projections.versions import _move as move_entity
from ledgerflow.runtime.checkpoints import load_saved_state
from ledgerflow.storage.codec import Record
from ledgerflow.storage.eventstore import EventStore

#: Entity tables: looking an id up folds that entity in.
_TABLES = ("scenarios", "data_nodes", "tasks", "sequences", "cycles", "jobs", "submissions")
#: Exact from the start: versions are all folded in when the state is made.
_EXACT = ("position", "revisions", "versions")
_VERSION_PREFIX = "VERSION_"
_PAGE = 4  # a scenario has few sequences, often none


def _other_fields() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The projection's other fields: dict indexes, and whole read models (complete only when folded fully)."""
    sample = CurrentState()
    names = [f.name for f in dataclasses.fields(CurrentState) if f.name not in _TABLES + _EXACT]
    indexes = tuple(n for n in names if isinstance(getattr(sample, n), dict))
    return indexes, tuple(n for n in names if n not in indexes)


_INDEXES, _WHOLE = _other_fields()


class _Move(NamedTuple):
    """A version event that moves every entity of one version to another (a rename, a migration)."""

    position: int
    old: str
    new: str


def _move_of(record: Record) -> _Move | None:
    name = record.originator_id.removeprefix(_VERSION_PREFIX)
    if record.topic == VersionTopics.RENAMED:
        return _Move(record.position, name, record.payload["new_name"])
    if record.topic == VersionTopics.MIGRATED:
        return _Move(record.position, record.payload["from_version"], name)
    return None


def fold_until(store: EventStore, position: int) -> CurrentState:
    """The complete projection at ``position``: the saved checkpoint (if not later) plus the log up to it."""
    state = load_saved_state(store, until=position)
    state.apply_all(store.iter_records(after=state.position, until=position), new=True)
    state.position = position
    return state


def _scenario_of_sequence(entity_id: str) -> str | None:
    """The scenario of a sequence id (``SEQUENCE_<name>_SCENARIO_...``)."""
    if not entity_id.startswith("SEQUENCE_"):
        return None
    at = entity_id.find("_SCENARIO_")
    return entity_id[at + 1 :] if at >= 0 else None


class PastState(CurrentState):
    """A ``CurrentState`` at ``position`` whose entities are folded in on first lookup."""

    def __init__(self, store: EventStore, position: int) -> None:
        super().__init__(position=position)
        self._store = store
        self._loaded: set[str] = set()
        self._folding = 0
        self._complete: CurrentState | None = None
        self._lock = threading.RLock()
        for name in _TABLES:
            setattr(self, name, _Table(self, name))
        for name in _INDEXES:
            setattr(self, name, _Index(self, name))
        versions = store.events_with_prefix(_VERSION_PREFIX, position)
        self._fold(versions)
        self._moves = [m for m in map(_move_of, versions) if m is not None]

    def __getattribute__(self, name: str) -> Any:
        if name in _WHOLE and not object.__getattribute__(self, "_folding"):
            return getattr(object.__getattribute__(self, "completed")(), name)
        return object.__getattribute__(self, name)

    @property
    def folding(self) -> bool:
        """Whether events are being folded in (tables then behave as plain dicts)."""
        return self._folding > 0

    @property
    def moves(self) -> list[_Move]:
        """The version renames and migrations up to the position, in log order."""
        return self._moves

    @property
    def best(self) -> CurrentState:
        """The complete state once it was needed, else this lazy one."""
        return self._complete or self

    def completed(self) -> CurrentState:
        """Every entity at the position (folded once, then kept)."""
        with self._lock:
            if self._complete is None:
                self._complete = fold_until(self._store, self.position)
            return self._complete

    def load(self, entity_id: str) -> None:
        """Fold in the events of one aggregate up to the position (once)."""
        with self._lock:
            if entity_id in self._loaded:
                return
            owner = _scenario_of_sequence(entity_id)
            if owner is not None:
                self.load(owner)  # folds the scenario's sequences in their order
                if entity_id in self._loaded:
                    return
            self._loaded.add(entity_id)
            records = self._records_of(entity_id)
            self._fold_entity(entity_id, records)
            if records and records[0].topic == ScenarioTopics.CREATED:
                for sequence_id in self._sequences_created_with(records[0]):
                    if sequence_id not in self._loaded:
                        self._loaded.add(sequence_id)
                        self._fold_entity(sequence_id, self._records_of(sequence_id))

    def _records_of(self, entity_id: str) -> list[Record]:
        events = self._store.events_of(entity_id)
        return list(takewhile(lambda r: r.position <= self.position, events))

    def _fold_entity(self, entity_id: str, records: list[Record]) -> None:
        """Fold one entity's events, with the version moves that happened meanwhile, in log order."""
        if not records:
            return
        moves = [m for m in self._moves if m.position > records[0].position]
        if not moves:
            self._fold(records)
            return
        steps: list[Record | _Move] = sorted([*records, *moves], key=lambda step: step.position)
        for step in steps:
            if isinstance(step, _Move):
                self._folding += 1
                try:
                    self._move_entity(entity_id, step)
                finally:
                    self._folding -= 1
            else:
                self._fold([step])

    def _move_entity(self, entity_id: str, move: _Move) -> None:
        for table in _TABLES:
            view = getattr(self, table).get(entity_id)
            if view is not None and view.version == move.old:
                move_entity(self, view, move.new)

    def _fold(self, records: list[Record]) -> None:
        self._folding += 1
        try:
            for record in records:
                self.apply(record)
        finally:
            self._folding -= 1

    def _sequences_created_with(self, created: Record) -> Iterator[str]:
        after = created.position
        while after < self.position:
            page = self._store.read(after, _PAGE, self.position)
            for record in page:
                if record.topic != SequenceTopics.CREATED or record.payload.get("scenario_id") != created.originator_id:
                    return
                yield record.originator_id
            if len(page) < _PAGE:
                return
            after = page[-1].position


class _Lazy(dict[str, Any]):
    """A dict of a ``PastState``: plain while events are folded in, else read through the state."""

    def __init__(self, owner: PastState, name: str) -> None:
        super().__init__()
        self._owner = owner
        self._name = name

    def _all(self) -> dict[str, Any]:
        owner = self._owner
        if owner.folding:
            return self
        complete: dict[str, Any] = getattr(owner.completed(), self._name)
        return complete

    def __iter__(self) -> Iterator[str]:
        source = self._all()
        return dict.__iter__(source) if source is self else iter(source)

    def __len__(self) -> int:
        source = self._all()
        return dict.__len__(source) if source is self else len(source)

    def keys(self) -> Any:
        source = self._all()
        return dict.keys(source)

    def values(self) -> Any:
        source = self._all()
        return dict.values(source)

    def items(self) -> Any:
        source = self._all()
        return dict.items(source)


class _Table(_Lazy):
    """Entities by id, each folded in on its first lookup; once the state is complete, looked up there
    (where jobs and submissions that had left memory before its checkpoint are read back)."""

    def _found(self, key: str) -> dict[str, Any]:
        owner = self._owner
        if owner.folding:
            return self
        if owner.best is not owner:
            complete: dict[str, Any] = getattr(owner.best, self._name)
            return complete
        owner.load(key)
        return self

    def __getitem__(self, key: str) -> Any:
        table = self._found(key)
        return dict.__getitem__(self, key) if table is self else table[key]

    def get(self, key: str, default: Any = None) -> Any:
        table = self._found(key)
        return dict.get(self, key, default) if table is self else table.get(key, default)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        table = self._found(key)
        return dict.__contains__(self, key) if table is self else key in table


class _Index(_Lazy):
    """A cross-entity index: complete only once every entity is folded in."""

    def __getitem__(self, key: str) -> Any:
        return dict.__getitem__(self._all(), key)

    def get(self, key: str, default: Any = None) -> Any:
        return dict.get(self._all(), key, default)

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self._all(), key)
