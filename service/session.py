"""The one runtime of this process, opened lazily on first use (as Taipy's services are).

A read (``lf.get_scenarios()``...) opens it as a look: nothing is recorded, no version starts, and
development results stay as the last run left them. The first command that changes something,
or ``Orchestrator().run()``, starts the run's version (``for_writing``).
"""

from __future__ import annotations

import atexit
import logging
import threading

from eventsourcing.persistence import IntegrityError

from ledgerflow.domain.config import Config
from ledgerflow.domain.errors import ConfigurationError
from ledgerflow.executor.orchestrator import OrchestratorService
from ledgerflow.runtime.read_back import KEEP_FINISHED
from ledgerflow.service.console_log import use_default_log_output
from ledgerflow.service.notifications import run_progress
from ledgerflow.service.stores import event_store_url, open_runtime
from ledgerflow.service.versions.activation import ActiveVersion, activate, peek
from ledgerflow.storage.datanodes import Backends

log = logging.getLogger("ledgerflow")


def _keep_finished_jobs() -> int | None:
    """``configure_job_executions(keep_finished_jobs=N)``: finished submissions (and their jobs) kept in memory,
    and writes of each data node (at most ``KEEP_WRITES``)."""
    value = Config.job_config.properties.get("keep_finished_jobs", KEEP_FINISHED)
    if value is None:
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigurationError(
            f"JobConfig: keep_finished_jobs must be a whole number of at least 0 (or None: keep all), not {value!r}."
        )
    return value


class Session:
    """The runtime and the version of this process: a look until ``start()`` starts the version."""

    def __init__(self) -> None:
        use_default_log_output()
        core = Config.core
        if Config.job_config.is_cluster and event_store_url(core.storage_folder, core.event_store).startswith("sqlite"):
            raise ConfigurationError(
                "Cluster mode needs a PostgreSQL event store every worker shares: "
                'configure_core(event_store="postgresql://...") or LEDGERFLOW_EVENT_STORE, not the SQLite default.'
            )
        self.runtime = open_runtime(
            core.storage_folder,
            core.event_store,
            keep_finished=_keep_finished_jobs(),
            on_fold=run_progress.fold_reporter(),
        )
        self.backends = Backends(self.runtime.blobs)
        self.orchestrator: OrchestratorService | None = None
        self.started = False
        try:
            with self.runtime.lock:
                self.runtime.catch_up()
                self.version: ActiveVersion = peek(self.runtime.state)
        except BaseException:
            self.runtime.release()
            raise

    def start(self) -> None:
        """Start the run's version (once): what every change needs first (the config is checked by
        ``Orchestrator().run()``, as in Taipy)."""
        if self.started:
            return
        with _lock:
            if self.started:
                return
            self.version = self._activate()
            self.started = True

    def _activate(self, attempts: int = 5) -> ActiveVersion:
        """Start the run's version; durable before anything else, so a process starting the same version at
        the same moment (a version conflict in the log) makes this one read the log again and retry."""
        for attempt in range(attempts):
            try:
                version = activate(self.runtime, self.backends)
                self.runtime.flush()
                return version
            except IntegrityError:
                if attempt == attempts - 1:
                    raise
                log.info("Another process started the same version at the same time: reading the log again")
                self.runtime.resync()
        raise AssertionError("unreachable")

    def visible(self, version: str) -> bool:
        """Whether entities of ``version`` are visible to this run."""
        return version in self.version.visible

    def close(self) -> None:
        """Stop the orchestrator, make everything durable and release the store (a look writes nothing)."""
        if self.orchestrator is not None:
            self.orchestrator.stop()
            self.orchestrator = None
        if self.started:
            self.runtime.close()
        else:
            self.runtime.release()


_lock = threading.RLock()
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


def for_writing() -> Session:
    """The session of this process with its version started: what a command that changes something uses."""
    session = current()
    session.start()
    return session


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


def running_service() -> OrchestratorService | None:
    """The orchestrator service of this process, if it runs."""
    session = _session
    return session.orchestrator if session is not None else None
