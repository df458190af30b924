"""The one runtime of this process, opened lazily on first use (as Taipy's services are)."""

from __future__ import annotations

import atexit
import logging
import threading
from typing import TYPE_CHECKING

from ledgerflow.domain.config import Config
from ledgerflow.service.runtime import Runtime
from ledgerflow.service.versions import ActiveVersion, activate
from ledgerflow.storage.datanodes import Backends

if TYPE_CHECKING:
    from ledgerflow.executor.orchestrator import OrchestratorService

log = logging.getLogger("ledgerflow")


class Session:
    """The runtime and the active version of this process."""

    def __init__(self) -> None:
        Config.check()
        core = Config.core
        self.runtime = Runtime(core.storage_folder, core.event_store)
        self.backends = Backends(self.runtime.blobs)
        self.orchestrator: OrchestratorService | None = None
        try:
            self.version: ActiveVersion = activate(self.runtime)
        except BaseException:
            self.runtime.writer.close()
            self.runtime.store.close()
            raise

    def visible(self, version: str) -> bool:
        """Whether entities of ``version`` are visible to this run."""
        return version in self.version.visible

    def close(self) -> None:
        """Stop the orchestrator, make everything durable and release the store."""
        if self.orchestrator is not None:
            self.orchestrator.stop()
            self.orchestrator = None
        self.runtime.close()


_lock = threading.Lock()
_session: Session | None = None


def current() -> Session:
    """The session of this process, opening it (check config, pick version) if needed."""
    global _session
    if _session is None:
        with _lock:
            if _session is None:
                _session = Session()
                atexit.register(close)
    return _session


def is_open() -> bool:
    """Whether a session is open in this process."""
    return _session is not None


def close() -> None:
    """Close the session (a later call to ``current()`` opens a new one)."""
    global _session
    with _lock:
        session, _session = _session, None
    if session is not None:
        session.close()
