"""The live source of entities: the current session's projection and runtime."""

from __future__ import annotations

from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.service import session
from ledgerflow.storage.datanodes import Backends


class LiveSource:
    """Reads the session's current state; commands go to its runtime."""

    @property
    def state(self) -> CurrentState:
        return session.current().runtime.state

    @property
    def backends(self) -> Backends:
        return session.current().backends

    def visible(self, version: str) -> bool:
        return session.current().visible(version)

    def writable(self) -> Runtime:
        return session.current().runtime


_LIVE = LiveSource()


def live_source() -> LiveSource:
    """The shared live source."""
    return _LIVE
