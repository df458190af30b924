"""The cluster runner (submitting side): publishes ready jobs to the broker and cancels running ones.

It does not run anything and records nothing: workers record the jobs' transitions in the shared
log, and the submission's run (``run.py``) follows the log. ``capacity`` bounds nothing here —
jobs wait in the broker's queue until a worker is free.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import anyio

from ledgerflow.executor.cluster.broker import TASK_NAME, JobMessage, celery_app, declare
from ledgerflow.executor.cluster.leases import Leases, gone_here
from ledgerflow.executor.cluster.settings import ClusterSettings
from ledgerflow.executor.jobspec import JobOutcome
from ledgerflow.executor.runners import Start
from ledgerflow.runtime.runtime import Runtime

log = logging.getLogger("ledgerflow")

#: The longest a wait for new events lasts before the follower looks again (and can stop).
WAKE_SECONDS = 0.25
#: Publishing retries while the broker is away (a restart): about a minute in all.
PUBLISH_RETRY = {"max_retries": 60, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 2.0}


class ClusterRunner:
    """Sends jobs to Celery workers through the broker; the log tells what became of them."""

    capacity = 1_000_000  # the queue holds what no worker takes yet
    sequential = False

    def __init__(self, settings: ClusterSettings, store_url: str) -> None:
        self.settings = settings
        self.app = celery_app(settings)
        declare(self.app, settings)
        self.leases = Leases(store_url)
        self._tasks: dict[str, str] = {}  # job -> the Celery task id of its latest publication
        self._lock = threading.Lock()
        self._prepared: dict[str, tuple[JobMessage, anyio.Event]] = {}
        self._following: anyio.CancelScope | None = None
        #: job -> the run following it in the log, told of each of its events as it is folded
        self.followers: dict[str, Callable[[str], None]] = {}
        self._rows_read = 0.0
        self._live: set[str] = set()

    def publish(self, message: JobMessage) -> None:
        """Put the job in the queue; returns once the broker confirmed it (blocking)."""
        with self._lock:
            self._tasks[message.job_id] = message.task_id
            self.app.send_task(
                TASK_NAME,
                kwargs=message.as_kwargs(),
                task_id=message.task_id,
                queue=self.settings.queue,
                routing_key=self.settings.queue,
                retry=True,
                retry_policy=PUBLISH_RETRY,
            )

    def prepare(self, message: JobMessage, ended: anyio.Event) -> None:
        """What ``run`` publishes for the job once ``start`` agrees, and the event set when its attempt ended."""
        self._prepared[message.job_id] = (message, ended)

    async def run(self, job_id: str, start: Start) -> JobOutcome | None:
        """Publish the prepared job if ``start`` agrees, then wait until the log shows its attempt ended.

        Always None: the worker recorded the outcome, and the run following the log has read it.
        """
        prepared = self._prepared.pop(job_id, None)
        if start() is None or prepared is None:
            return None
        message, ended = prepared
        await anyio.to_thread.run_sync(self.publish, message)
        await ended.wait()
        return None

    def cancel(self, job_id: str, why: str = "to cancel the job") -> bool:
        """Kill the worker process running the job (its message is dropped when it comes back)."""
        task_id = self._tasks.get(job_id)
        if task_id is None:
            return False
        self.app.control.revoke(task_id, terminate=True, signal="SIGKILL")
        return True

    async def follow(self, runtime: Runtime) -> None:
        """Fold in what workers record as soon as it is committed (PostgreSQL ``LISTEN``), until ``close``.

        Each job event folded is handed at once to the run following that job (``followers``), so its
        listeners see every status the job went through, not only the latest.
        """
        with anyio.CancelScope() as self._following:
            while True:
                try:
                    after = runtime.state.position
                    await anyio.to_thread.run_sync(runtime.store.wait_for_new_events, after, WAKE_SECONDS)
                    runtime.catch_up(self._folded)
                except Exception:  # the runs still look at their jobs, and the orchestrator's poll reads the log
                    log.exception("Reading what the workers recorded failed")
                    await anyio.sleep(WAKE_SECONDS)

    def _folded(self, entity_id: str) -> None:
        follower = self.followers.get(entity_id)
        if follower is not None:
            follower(entity_id)

    def alive(self, owner: str | None, lease: float) -> bool:
        """Whether the worker process ``owner`` holds its lease (heartbeats read at most once a second)."""
        now = time.monotonic()
        if now - self._rows_read >= 1.0:
            self._rows_read = now
            self._live = {row.owner for row in self.leases.rows() if row.age <= lease}
        return owner is not None and owner in self._live and not gone_here(owner)

    async def close(self) -> None:
        if self._following is not None:
            self._following.cancel()
        self.leases.close()
        self.app.close()
