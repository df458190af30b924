"""``ledgerflow run-worker``: a Celery worker that runs an application's jobs.

The application's file is imported as ``__mp_main__`` (its ``if __name__ == "__main__":`` block
does not run) so its configs and task functions exist here; nothing is recorded by importing it.
Each Celery pool process opens the log on its own after the fork, beats its heartbeat and records
the transitions of the jobs it runs (``jobs.py``).
"""

from __future__ import annotations

import faulthandler
import logging
import os
import runpy
import signal
import socket
import sys
import types
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from celery import Celery, signals

from ledgerflow.domain.config import Config
from ledgerflow.domain.errors import ConfigurationError
from ledgerflow.executor.cluster.broker import TASK_NAME, JobMessage, celery_app, declare
from ledgerflow.executor.cluster.jobs import JobHandler
from ledgerflow.executor.cluster.leases import Heartbeat, Leases
from ledgerflow.executor.cluster.settings import ClusterSettings, config_fingerprint
from ledgerflow.runtime.runtime import Runtime

log = logging.getLogger("ledgerflow")


def load_application(path: str | Path) -> types.ModuleType:
    """Import the application's script without running its ``__main__`` block."""
    script = Path(path).resolve()
    if not script.is_file():
        raise ConfigurationError(f"No application at {script}: give the path of the Python file that configures it.")
    sys.path.insert(0, str(script.parent))
    module = types.ModuleType("__mp_main__")
    module.__file__ = str(script)
    sys.modules["__mp_main__"] = module
    module.__dict__.update(runpy.run_path(str(script), run_name="__mp_main__"))
    sys.modules["__main__"] = module  # functions the log names "__main__.f" resolve here
    return module


def cluster_store_url() -> str:
    """The PostgreSQL event store the cluster shares (from the config or ``LEDGERFLOW_EVENT_STORE``)."""
    url = Config.core.event_store or os.environ.get("LEDGERFLOW_EVENT_STORE") or ""
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigurationError(
            'Cluster mode needs a PostgreSQL event store shared by every process: configure_core(event_store="postgresql://...")'
            " or LEDGERFLOW_EVENT_STORE (the SQLite default is one machine's file)."
        )
    return url


class _State:
    handler: JobHandler | None = None
    heartbeat: Heartbeat | None = None


def build_worker(application_path: str | None, queue: str | None = None) -> tuple[Celery, ClusterSettings]:
    """The Celery application of a worker, its task registered (``queue``: instead of the configured one)."""
    fingerprint = None
    if application_path:
        load_application(application_path)
        fingerprint = config_fingerprint()
    settings = ClusterSettings.from_config()
    if queue:
        settings = replace(settings, queue=queue)
    queues = settings.queue
    url = cluster_store_url()
    storage_folder = Config.core.storage_folder
    app = celery_app(settings)
    worker_name = f"ledgerflow-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"

    @signals.worker_process_init.connect(weak=False)
    def open_log(**_: Any) -> None:
        # After the fork: a connection of our own, and Ctrl-C is for the Celery main process.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if sys.__stderr__ is not None:  # kill -USR2: the stacks of every thread to the log
            faulthandler.register(signal.SIGUSR2, file=sys.__stderr__, all_threads=True)
        leases = Leases(url)
        _State.heartbeat = Heartbeat(leases, worker_name, queues, settings.lease_seconds)
        runtime = Runtime(storage_folder, url)
        runtime.writer.linger = 0.0  # one job at a time per process: nothing to gather, every command awaited
        _State.handler = JobHandler(runtime, leases, _State.heartbeat, settings, fingerprint)

    @signals.worker_process_shutdown.connect(weak=False)
    def close_log(**_: Any) -> None:
        if _State.heartbeat is not None:
            _State.heartbeat.stop()
        if _State.handler is not None:
            _State.handler.runtime.release()

    @app.task(name=TASK_NAME, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
    def run_job(**message: Any) -> str:
        assert _State.handler is not None, "the worker process did not open the log"
        done = _State.handler.handle(JobMessage(**message))
        log.info("Job %s attempt %s: %s", message["job_id"], message["attempt"], done)
        return done

    declare(app, settings)
    return app, settings


def run_worker(application_path: str | None, concurrency: int, queues: str | None, loglevel: str = "INFO") -> None:
    """Start a worker and serve until stopped (SIGTERM: finish the running jobs, then stop)."""
    app, settings = build_worker(application_path, queues)
    queue = settings.queue
    app.worker_main(
        [
            "worker",
            f"--concurrency={concurrency}",
            f"--queues={queue}",
            "--pool=prefork",
            f"--loglevel={loglevel}",
            "--without-gossip",
            "--without-mingle",
            f"--hostname=ledgerflow-{os.getpid()}@%h",
        ]
    )
