"""The subprocess runner (standalone mode): jobs run in a pool of long-lived worker processes.

The orchestrator ships a job as references — the function by its import path, the nodes'
specs, the content hashes of the inputs — plus the bytes of small inputs that live in its own
database. The worker returns payload references and the bytes of small outputs, which are
staged here and committed with the job's completion event.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections import OrderedDict
from pathlib import Path
from typing import Any

from ledgerflow.domain.config.functions import function_reference
from ledgerflow.executor.jobspec import JobOutcome, JobSpec
from ledgerflow.executor.mainscript import main_is_guarded, main_script
from ledgerflow.executor.pool import WorkerPool, lost_outcome
from ledgerflow.executor.runners import Start
from ledgerflow.executor.worker import Request
from ledgerflow.storage.blobs import INLINE_LOCATION, BlobStore

__all__ = ["SubprocessRunner"]

#: Small payloads kept in memory for the next jobs that read them (an output is often the next input).
RECENT_PAYLOADS = 512


def _in_main(value: Any) -> bool:
    """Whether a node property (an encoder class, a read function...) comes from ``__main__``."""
    if isinstance(value, list | tuple):
        return any(_in_main(v) for v in value)
    return callable(value) and getattr(value, "__module__", None) == "__main__"


class SubprocessRunner:
    """Runs jobs in at most ``capacity`` worker processes."""

    def __init__(self, capacity: int, blobs: BlobStore) -> None:
        if blobs.inline is None:
            raise ValueError("the subprocess runner needs a blob store with an inline table")
        self.capacity = capacity
        self.blobs = blobs
        self.inline = blobs.inline
        self._recent: OrderedDict[str, bytes] = OrderedDict()
        setup = {
            "sys_path": list(sys.path),
            "cwd": os.getcwd(),
            "main_path": main_script() if main_is_guarded() else None,
            "blob_folder": str(Path(blobs.folder)),
            "inline_limit": self.inline.limit,
            "parent_pid": os.getpid(),
        }
        self.pool = WorkerPool(capacity, setup)
        self.pool.start()

    def _request(self, spec: JobSpec) -> Request:
        reference = spec.function if isinstance(spec.function, str) else function_reference(spec.function)
        nodes = [i.node for i in spec.inputs] + spec.outputs
        needs_main = reference.startswith("__main__.") or any(
            _in_main(value) for node in nodes for value in node.properties.values()
        )
        shipped: dict[str, bytes] = {}
        for item in spec.inputs:
            if item.location == INLINE_LOCATION:
                data = self._recent.get(item.content_hash)
                if data is None:
                    data = self.inline.get(item.content_hash)
                if data is not None:
                    shipped[item.content_hash] = data
                    self._remember(item.content_hash, data)
        body = pickle.dumps((spec.inputs, spec.outputs, shipped), protocol=5)
        return spec.job_id, spec.task_config_id, reference, needs_main, body

    async def run(self, job_id: str, start: Start) -> JobOutcome | None:
        slot = await self.pool.borrow()
        try:
            spec = start()
            if spec is None:
                return None
            reply = await self.pool.run(slot, job_id, self._request(spec))
            if reply is None:
                return lost_outcome(slot.worker)
        finally:
            self.pool.give_back(slot)
        _, outcome, small_payloads = reply
        for digest, data in small_payloads:
            self.inline.stage(digest, data)
            self._remember(digest, data)
        return outcome

    def _remember(self, digest: str, data: bytes) -> None:
        self._recent[digest] = data
        self._recent.move_to_end(digest)
        if len(self._recent) > RECENT_PAYLOADS:
            self._recent.popitem(last=False)

    def cancel(self, job_id: str, why: str = "to cancel the job") -> bool:
        return self.pool.kill_job(job_id, why)

    async def close(self) -> None:
        await self.pool.close()
