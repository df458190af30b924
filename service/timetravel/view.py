"""Time travel: ``lf.as_of(when)``, every entity as it was at an earlier point of the log.

``when`` is a log position (an int: the state after that event; 0 is before the first event), a
datetime (naive datetimes are local time, as ledgerflow shows dates), or a string: digits for a
position, ``-90s`` / ``-15m`` / ``-2h`` / ``-3d`` for that long ago, else an ISO date or datetime.
A datetime maps to the last event recorded at or before it (a binary search on event times).

The view has the query API of the package (``get``, ``get_scenarios``, ``get_data_nodes``...);
its entities are the usual ``Scenario``, ``DataNode``... handles over a ``PastState``, so
``scenario.<config_id>`` and ``data_node.read()`` work as they do live. Values are read by their
recorded content hash, verified by the content store. Writing through a view is refused.

Looking an entity up folds only its own events; listing every scenario, data node, task,
sequence, cycle, job or submission reads the store's entity index (``past_listings.py``), so
neither folds the log up to the position. Filtered or sorted scenario listings and the other
cross-entity queries (``get_primary``, ``get_parents``...) fold it once per view.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime, timedelta
from typing import Any, NoReturn

from ledgerflow.domain.errors import LedgerflowError, NonExistingEntity
from ledgerflow.projections.current import CurrentState
from ledgerflow.service import queries, session
from ledgerflow.service.entities.base import EntityHandle, ReadOnlySource, ReadOnlyViewError
from ledgerflow.service.entities.datanode import DataNode
from ledgerflow.service.entities.job import Job, Submission
from ledgerflow.service.entities.scenario import Cycle, Scenario, Sequence
from ledgerflow.service.entities.task import Task
from ledgerflow.service.timetravel.past_listings import Alive, listed
from ledgerflow.service.timetravel.past_state import PastState
from ledgerflow.service.timetravel.recorded_values import RecordedValues
from ledgerflow.storage.blobs import BlobStore
from ledgerflow.storage.datanodes import Backends
from ledgerflow.storage.eventstore import EventStore

When = datetime | date | int | str

_AGO = re.compile(r"-(\d+(?:\.\d+)?)\s*([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class TimeTravelError(LedgerflowError):
    """A point in time or a log position that cannot be travelled to."""


def parse_when(text: str) -> datetime | int:
    """A position (digits), a moment ago (``-15m``) or an ISO date/datetime from a string."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    ago = _AGO.fullmatch(text)
    if ago:
        return datetime.now() - timedelta(**{_UNITS[ago[2]]: float(ago[1])})
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise TimeTravelError(
            f'"{text}" is not a point in time: give a log position (1234), a moment ago (-90s, -15m, -2h, -3d) '
            "or an ISO date or datetime (2024-05-01 or 2024-05-01T14:30)."
        ) from None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.astimezone()


def _time_at(store: EventStore, position: int) -> datetime | None:
    """The time of the first event at or after ``position`` (None past the end)."""
    records = store.read(position - 1, 1)
    return records[0].timestamp if records else None


def position_at(store: EventStore, moment: datetime) -> int:
    """The position of the last event recorded at or before ``moment`` (0 if none)."""
    target = _aware(moment)
    low, high = 0, store.max_position()
    while low < high:
        middle = (low + high + 1) // 2
        records = store.read(middle - 1, 1, high)
        if records and records[0].timestamp <= target:
            low = records[0].position
        else:
            high = middle - 1
    return low


def resolve_position(store: EventStore, when: When) -> int:
    """The log position ``when`` designates (see the module docstring)."""
    if isinstance(when, str):
        when = parse_when(when)
    if isinstance(when, bool) or not isinstance(when, int | date):
        raise TimeTravelError(f"as_of() takes a datetime, a date, a log position or a string, not {when!r}.")
    if isinstance(when, int):
        last = store.max_position()
        if not 0 <= when <= last:
            raise TimeTravelError(
                f"Position {when} is not in the log: positions run from 0 (before the first event) to {last}."
            )
        return when
    if not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day)
    return position_at(store, when)


class PastView(ReadOnlySource):
    """Every entity as it was at ``position`` of the log: a read-only view with the query API."""

    def __init__(
        self, store: EventStore, blobs: BlobStore, position: int, versions: Collection[str] | None = None
    ) -> None:
        self.position = position
        self._store = store
        self._state = PastState(store, position)
        self._backends = RecordedValues(blobs)
        self._versions = frozenset(versions) if versions is not None else None
        moment = _time_at(store, position) if position else None
        self.moment: datetime | None = moment.astimezone().replace(tzinfo=None) if moment else None

    def __repr__(self) -> str:
        when = f" ({self.moment:%Y-%m-%d %H:%M:%S})" if self.moment else ""
        return f"<ledgerflow view as of position {self.position}{when}>"

    # -- the Source entities read from ------------------------------------------------------
    @property
    def state(self) -> CurrentState:
        """The projection at the position."""
        return self._state.best

    @property
    def backends(self) -> Backends:
        """Readers of recorded values, by content hash."""
        return self._backends

    def visible(self, version: str) -> bool:
        """Whether the view shows entities of ``version``."""
        return self._versions is None or version in self._versions

    def writable(self) -> NoReturn:
        """Always refused: a view of the past cannot be changed."""
        raise ReadOnlyViewError(
            f"{self!r} is read-only: the past cannot be changed. "
            "Change the current entity instead (lf.get(its_id) returns it)."
        )

    # -- queries ----------------------------------------------------------------------------
    def _indexed(self, table: str) -> dict[str, Alive] | None:
        """The visible entities of ``table`` then, from the entity index; None once the complete
        state is folded (a listing of it costs less)."""
        if self._state.best is not self._state:
            return None
        changes = self._store.entity_index.changes(table, self.position)
        return listed(changes, self._state.moves, self.visible)

    def _listing(
        self, table: str, cls: type[Any], fold: Callable[[PastView], list[Any]], oldest_first: bool = False
    ) -> list[Any]:
        """Handles of the visible entities of ``table`` then (``fold``: the listing of the complete state)."""
        found = self._indexed(table)
        if found is None:
            return fold(self)
        ids: Iterable[str] = found
        if oldest_first:  # a stable sort by creation time, as the fold's listing
            ids = sorted(found, key=lambda entity_id: found[entity_id][1])
        return [cls(entity_id, self) for entity_id in ids]

    def get(self, entity_id: str | EntityHandle) -> Any:
        """The entity of ``entity_id`` as it was (``NonExistingEntity`` if it did not exist then)."""
        try:
            return queries.get(self, entity_id)
        except NonExistingEntity:
            name = entity_id if isinstance(entity_id, str) else entity_id.id
            when = f" ({self.moment:%Y-%m-%d %H:%M:%S})" if self.moment else ""
            raise NonExistingEntity(f"{name} did not exist at position {self.position}{when}.") from None

    def exists(self, entity_id: str | EntityHandle) -> bool:
        """Whether the entity existed then."""
        return queries.exists(self, entity_id)

    def get_scenarios(self, cycle: Cycle | None = None, tag: str | None = None, **filters: Any) -> list[Scenario]:
        """The scenarios of that time (same filters as ``lf.get_scenarios``)."""
        if cycle is None and tag is None and not filters:
            return self._listing("scenarios", Scenario, queries.get_scenarios)
        return queries.get_scenarios(self, cycle, tag, **filters)

    def get_data_nodes(self) -> list[DataNode]:
        """The data nodes of that time."""
        return self._listing("data_nodes", DataNode, queries.get_data_nodes)

    def get_tasks(self) -> list[Task]:
        """The tasks of that time."""
        return self._listing("tasks", Task, queries.get_tasks)

    def get_sequences(self) -> list[Sequence]:
        """The sequences of that time."""
        return self._listing("sequences", Sequence, queries.get_sequences)

    def get_cycles(self) -> list[Cycle]:
        """The cycles of that time."""
        return self._listing("cycles", Cycle, queries.get_cycles)

    def get_jobs(self) -> list[Job]:
        """The jobs of that time, oldest first."""
        return self._listing("jobs", Job, queries.get_jobs, oldest_first=True)

    def get_submissions(self) -> list[Submission]:
        """The submissions of that time, oldest first."""
        return self._listing("submissions", Submission, queries.get_submissions, oldest_first=True)

    def get_primary(self, cycle: Cycle) -> Scenario | None:
        """The primary scenario of ``cycle`` then."""
        return queries.get_primary(self, cycle)

    def get_latest_job(self, task: Task) -> Job | None:
        """The latest job of ``task`` then."""
        return queries.get_latest_job(self, task)

    def get_parents(self, entity: EntityHandle | str) -> dict[str, set[EntityHandle]]:
        """The scenarios, sequences and tasks that contained ``entity`` then."""
        return queries.get_parents(self, entity)

    def get_entities_by_config_id(self, config_id: str) -> list[EntityHandle]:
        """The scenarios (else tasks, else data nodes) of a config id then."""
        return queries.get_entities_by_config_id(self, config_id)

    def versions(self) -> dict[str, str]:
        """The application versions of that time: name -> mode."""
        return {name: view.mode for name, view in self.state.versions.items()}

    def version_config(self, name: str) -> dict[str, Any]:
        """The config application version ``name`` ran with at that time (as recorded, secrets unresolved)."""
        view = self.state.versions.get(name)
        if view is None:
            raise TimeTravelError(f'There was no application version "{name}" at position {self.position}.')
        return dict(view.config)


def open_view(
    store: EventStore, blobs: BlobStore, when: When | None = None, versions: Collection[str] | None = None
) -> PastView:
    """A view of ``store`` as of ``when`` (None: its last event), showing ``versions`` (None: all)."""
    position = store.max_position() if when is None else resolve_position(store, when)
    return PastView(store, blobs, position, versions)


def as_of(when: When) -> PastView:
    """Every entity as it was at ``when`` (a datetime, a date, a log position or a string)."""
    current = session.current()
    runtime = current.runtime
    runtime.flush()
    return open_view(runtime.store, runtime.blobs, when, current.version.visible)
