"""What every user-facing entity shares: an id and the source of its state.

Entities are handles: attribute reads are lookups in the in-memory projection (never a
storage read), so they always show the current state, and a time-travel view simply
hands them an earlier state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from ledgerflow.domain.errors import LedgerflowError, NonExistingEntity

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

    def __init__(self, entity_id: str, source: Source) -> None:
        self.id = entity_id
        self._source = source

    def _view(self) -> Any:
        try:
            return getattr(self._source.state, self._table)[self.id]
        except KeyError:
            raise NonExistingEntity(f"{self.id} does not exist (it may have been deleted).") from None

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
