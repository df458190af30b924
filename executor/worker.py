"""A standalone-mode worker process: runs the jobs the orchestrator sends, one at a time.

The orchestrator starts it as a fresh interpreter (``python -c BOOT R W``) talking over two
pipes, so the application's ``__main__`` script is not re-run at start-up (an unguarded script
whose functions live in modules still works). It imports little until its first job (the framing of
``frames.py``; no event loop, no config, no optional storage libraries), so it is ready soon after
the interpreter is. The script is loaded — as ``__mp_main__``, which
skips its ``if __name__ == "__main__":`` block — only when a job needs a function defined in it.

Workers read inputs and write outputs themselves, through the same data node backends and
content-addressed blob store as the orchestrator, and return payload references. They never
touch the event store: small values (which the orchestrator keeps in its database) travel back
with the reply and are committed by the orchestrator together with the job's completion, large
ones are files in the blob store. The orchestrator records every event: one writer.
"""

from __future__ import annotations

import importlib
import os
import pickle
import signal
import sys
import threading
import time
import types
from typing import TYPE_CHECKING, Any, cast

from ledgerflow.executor.frames import receive_blocking, send_blocking

if TYPE_CHECKING:
    from ledgerflow.executor.jobspec import JobOutcome
    from ledgerflow.storage.inline_blobs import InlineBlobs

BOOT = "import sys; from ledgerflow.executor.worker import main; main(int(sys.argv[1]), int(sys.argv[2]))"

#: A job request: job id, task config id, function reference, whether it needs the main script,
#: and the pickled ``(inputs, outputs, shipped)`` (unpickled only once the main script is loaded).
Request = tuple[str, str, str, bool, bytes]
#: A reply: job id, outcome, small payloads ``[(hash, bytes)]`` for the orchestrator to commit.
Reply = tuple[str, "JobOutcome", list[tuple[str, bytes]]]


class ShippedBlobs:
    """Small payloads without a database: inputs shipped by the orchestrator, outputs sent back."""

    def __init__(self, limit: int, shipped: dict[str, bytes]) -> None:
        self.limit = limit
        self._shipped = shipped
        self.staged: dict[str, bytes] = {}

    def stage(self, digest: str, data: bytes) -> None:
        self.staged[digest] = data

    def get(self, digest: str) -> bytes | None:
        found = self.staged.get(digest)
        return found if found is not None else self._shipped.get(digest)


class Worker:
    """The state of one worker process: its setup and the functions it already resolved."""

    def __init__(self, setup: dict[str, Any]) -> None:
        sys.path[:] = setup["sys_path"]
        os.chdir(setup["cwd"])
        self.blob_folder: str = setup["blob_folder"]
        self.inline_limit: int = setup["inline_limit"]
        self.main_path: str | None = setup["main_path"]
        self._functions: dict[str, Any] = {}
        self._main: types.ModuleType | None = None
        self._backends: Any = None  # the blob store and backends, made with the first job

    def _storage(self, inline: ShippedBlobs) -> Any:
        """The backends, over the blob store with this job's small payloads attached (one of each per process)."""
        if self._backends is None:
            from ledgerflow.storage.blobs import BlobStore
            from ledgerflow.storage.datanodes import Backends

            self._blobs = BlobStore(self.blob_folder, fsync=False)
            self._backends = Backends(self._blobs)
        self._blobs.inline = cast("InlineBlobs", inline)
        return self._backends

    def load_main(self) -> types.ModuleType:
        """The application's main script, run as ``__mp_main__`` (its guarded block is skipped)."""
        if self._main is None:
            if self.main_path is None:
                raise ImportError("the application's __main__ script cannot be imported by worker processes")
            import runpy

            module = types.ModuleType("__mp_main__")
            module.__file__ = self.main_path
            sys.modules["__mp_main__"] = module
            module.__dict__.update(runpy.run_path(self.main_path, run_name="__mp_main__"))
            sys.modules["__main__"] = module
            self._main = module
        return self._main

    def resolve(self, reference: str) -> Any:
        """The function named ``module.qualname``."""
        found = self._functions.get(reference)
        if found is not None:
            return found
        parts = reference.split(".")
        for split in range(len(parts) - 1, 0, -1):
            name = ".".join(parts[:split])
            try:
                target: Any = self.load_main() if name == "__main__" else importlib.import_module(name)
            except ImportError:
                if name == "__main__":
                    raise
                continue
            for attribute in parts[split:]:
                target = getattr(target, attribute)
            self._functions[reference] = target
            return target
        raise ImportError(f'Cannot import "{reference}" in a worker process: define it at module level.')

    def run(self, request: Request) -> Reply:
        """Run one job; never raises."""
        # Imported with the first job, not at start: the process is up (and ready for it) sooner.
        from ledgerflow.executor.execution import execute_blocking
        from ledgerflow.executor.jobspec import JobSpec, failure

        job_id, task_config_id, reference, needs_main, body = request
        try:
            if needs_main:
                self.load_main()
            inputs, outputs, shipped = pickle.loads(body)
            function = self.resolve(reference)
        except Exception as error:
            return job_id, failure(error), []
        inline = ShippedBlobs(self.inline_limit, shipped)
        backends = self._storage(inline)
        try:
            outcome = execute_blocking(JobSpec(job_id, task_config_id, reference, inputs, outputs), function, backends)
        finally:  # what this job staged goes back with its reply only: a later job stages it again
            self._blobs.forget(inline.staged)
        return job_id, outcome, [] if outcome.failed else list(inline.staged.items())


def _exit_with_parent(parent: int) -> None:
    """Stop when the orchestrator's process dies (kill -9 included): its jobs are recovered elsewhere."""
    while True:
        if os.getppid() != parent:
            os._exit(3)
        time.sleep(0.5)


def main(read_fd: int, write_fd: int) -> None:
    """The worker's loop: set up, then answer job requests until the orchestrator closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the orchestrator, which stops us
    setup_data = receive_blocking(read_fd)
    if setup_data is None:
        return
    setup = pickle.loads(setup_data)
    threading.Thread(target=_exit_with_parent, args=(setup["parent_pid"],), daemon=True).start()
    worker = Worker(setup)
    while (data := receive_blocking(read_fd)) is not None:
        reply = worker.run(pickle.loads(data))
        try:
            send_blocking(write_fd, pickle.dumps(reply, protocol=5))
        except BrokenPipeError:  # the orchestrator is gone: its jobs are recovered by the next start
            return
