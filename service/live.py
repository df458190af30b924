"""The live source of entities: the current session's projection, runtime and orchestrator."""

from __future__ import annotations

from typing import Any

from ledgerflow.executor.orchestrator import OrchestratorService
from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.service import session
from ledgerflow.service.entities.base import EntityHandle
from ledgerflow.service.entities.job import Submission
from ledgerflow.service.submitting.submit import submit
from ledgerflow.service.timetravel.view import PastView, open_view
from ledgerflow.storage.datanodes import Backends


class LiveSource:
    """Reads the session's current state; commands go to its runtime."""

    @property
    def state(self) -> CurrentState:
        return session.current().runtime.state

    @property
    def backends(self) -> Backends:
        return session.current().backends

    @property
    def orchestrator(self) -> OrchestratorService | None:
        return session.running_service()

    def visible(self, version: str) -> bool:
        return session.current().visible(version)

    def writable(self) -> Runtime:
        return session.current().runtime

    def submit(self, entity: EntityHandle, **options: Any) -> Submission:
        return submit(entity, **options)

    def as_of(self, when: Any) -> PastView:
        runtime = session.current().runtime
        runtime.flush()
        return open_view(runtime.store, runtime.blobs, when)


_LIVE = LiveSource()


def live_source() -> LiveSource:
    """The shared live source."""
    return _LIVE
