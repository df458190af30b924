"""What every user-facing entity shares: an id and the source of its state.

Entities are handles: attribute reads are lookups in the in-memory projection (never a
storage read), so they always show the current state, and a time-travel view simply
hands them an earlier state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, Protocol

from ledgerflow.domain.errors import NON_EXISTING, LedgerflowError, NonExistingEntity
from ledgerflow.service.entities import reasons
from ledgerflow.service.scenarios.deletion import deletion_refused

if TYPE_CHECKING:
    from ledgerflow.executor.orchestrator import OrchestratorService
    from ledgerflow.projections.current import CurrentState
    from ledgerflow.runtime.runtime import Runtime
    from ledgerflow.service.entities.job import Submission
    from ledgerflow.storage.datanodes import Backends


class ReadOnlyViewError(LedgerflowError):
    """A write was attempted through a read-only (time-travel) view."""


class Source(Protocol):
    """Where entities read their state from, and whether they may be changed.

    The service layer hands its sources down to the entities, with what they cannot reach from
    below: this process's orchestrator and ``submit``.
    """

    @property
    def state(self) -> CurrentState: ...
    @property
    def backends(self) -> Backends: ...
    @property
    def orchestrator(self) -> OrchestratorService | None: ...
    def visible(self, version: str) -> bool: ...
    def writable(self) -> Runtime:
        """The runtime to record commands with; raises ``ReadOnlyViewError`` on a read-only view."""
        ...

    def as_of(self, when: Any) -> Any:
        """The read-only view of the log at ``when`` (see ``ledgerflow.as_of``); refused on a read-only view."""
        ...

    def submit(self, entity: EntityHandle, **options: Any) -> Submission:
        """Submit ``entity`` (see ``ledgerflow.submit``); raises ``ReadOnlyViewError`` on a read-only view."""
        ...


class ReadOnlySource:
    """What a read-only source (a past view, a migration's copy, the viewer) answers to actions.

    ``writable`` says why the source refuses changes; every action goes through it.
    """

    def writable(self) -> NoReturn:
        raise ReadOnlyViewError("This view is read-only.")

    @property
    def orchestrator(self) -> None:
        """No orchestrator runs anything for a read-only source."""
        return None

    def submit(self, entity: Any, **options: Any) -> NoReturn:
        """Always refused, as every command."""
        self.writable()

    def as_of(self, when: Any) -> NoReturn:
        """Refused: a read-only view reads no other point of the log."""
        self.writable()


class EntityHandle:
    """Base of Scenario, DataNode, Task, Job...: equality and hashing by id."""

    __slots__ = ("_source", "id")
    _table: str = ""
    #: The handle class of each table, registered by the classes themselves (lets a handle build
    #: handles of other kinds without importing their modules).
    _by_table: ClassVar[dict[str, type[EntityHandle]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls._table and cls._table not in EntityHandle._by_table:
            EntityHandle._by_table[cls._table] = cls

    def _handle(self, table: str, entity_id: str) -> EntityHandle:
        """The handle of another entity of the same source."""
        return EntityHandle._by_table[table](entity_id, self._source)

    def _parents(self) -> dict[str, set[EntityHandle]]:
        """Taipy's ``get_parents()``: the scenarios, sequences and tasks containing the entity."""
        state: Any = self._source.state
        direct = set(state.parents.get(self.id, ()))
        found: dict[str, set[EntityHandle]] = {}
        tasks = {p for p in direct if p in state.tasks}
        holders = direct | {p for t in tasks for p in state.parents.get(t, ())}
        for table, key in (("scenarios", "scenario"), ("sequences", "sequence"), ("tasks", "task")):
            ids = {p for p in holders if p in getattr(state, table)}
            if ids:
                found[key] = {self._handle(table, i) for i in ids}
        return found

    def __init__(self, entity_id: str, source: Source) -> None:
        self.id = entity_id
        self._source = source

    def _view(self) -> Any:
        try:
            return getattr(self._source.state, self._table)[self.id]
        except KeyError:
            error = NON_EXISTING.get(self._table, NonExistingEntity)
            raise error(f"{self.id} does not exist (it may have been deleted).") from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EntityHandle) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id!r})"

    def _writable(self) -> Runtime:
        """The runtime to change the entity through; ``ReadOnlyViewError`` for an entity of an ``as_of`` view."""
        return self._source.writable()

    @property
    def version(self) -> str:
        """The application version the entity belongs to."""
        return str(self._view().version)

    def is_deletable(self) -> reasons.ReasonCollection:
        """Truthy when ``ledgerflow.delete`` would delete the entity; else the reasons why not."""
        found = reasons.exists(self._source, self.id)
        if found:
            refused = deletion_refused(self._source, self.id)  # type: ignore[arg-type] # reads .state only
            if refused is not None:
                found._add_reason(self.id, refused)
        return found

    def get_simple_label(self) -> str:
        """The entity's name, else its config id, else its id."""
        name = getattr(self, "name", None)
        return str(name or getattr(self, "config_id", None) or self.id)

    def get_label(self) -> str:
        """The owning scenario's label, then this entity's (``"June > sales"``); a scenario's is its own."""
        owner_id = getattr(self, "owner_id", None)
        owner = self._source.state.scenarios.get(owner_id) if owner_id else None
        if owner is None:
            return self.get_simple_label()
        return f"{owner.name or owner.config_id} > {self.get_simple_label()}"
