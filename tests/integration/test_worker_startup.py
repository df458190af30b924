"""A worker process imports little and keeps what it can between jobs, yet each reply is complete.

What it imports to run a job reading and writing pickled values is checked from inside a real worker
(standalone mode), after a job ran there: no event loop, no config package, no optional storage backends.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

from standalone_tasks import loaded_modules

import ledgerflow as lf
from ledgerflow import Config
from ledgerflow.executor.jobspec import InputSpec
from ledgerflow.executor.worker import Worker
from ledgerflow.storage.node_spec import NodeSpec

#: Modules a worker must not need for such a job (each costs milliseconds, or tens of them, per worker).
HEAVY = (
    "asyncio",
    "anyio",
    "pydantic",
    "ledgerflow.domain.config",
    "ledgerflow.storage.tabular",
    "tomllib",
    "tempfile",
)


def test_a_worker_runs_a_pickle_job_without_heavy_imports() -> None:
    Config.configure_job_executions(mode="standalone", max_nb_of_workers=1)
    given = Config.configure_data_node("given", default_data=0)
    task = Config.configure_task("modules", loaded_modules, given, Config.configure_data_node("modules_out"))
    config = Config.configure_scenario("startup", [task])
    lf.Orchestrator().run()
    scenario = lf.create_scenario(config)
    submission = lf.submit(scenario)
    assert submission.wait(60) and submission.is_completed()
    modules = set(scenario.modules_out.read())
    assert "ledgerflow.executor.worker" in modules  # it ran in a worker process
    assert "standalone_tasks" in modules
    loaded = sorted(m for m in modules for heavy in HEAVY if m == heavy or m.startswith(heavy + "."))
    assert loaded == []


def _request(job_id: str, function: str, outputs: int, shipped_value: int) -> tuple[str, str, str, bool, bytes]:
    """A job request as the orchestrator builds it: one pickled input shipped inline, ``outputs`` pickle nodes."""
    data = pickle.dumps(shipped_value, protocol=5)
    digest = hashlib.sha256(data).hexdigest()
    inputs = [InputSpec(NodeSpec("DATANODE_in", "in", "pickle", {}), digest, "db")]
    nodes = [NodeSpec(f"DATANODE_out{i}", f"out{i}", "pickle", {}) for i in range(outputs)]
    return job_id, "task", function, False, pickle.dumps((inputs, nodes, {digest: data}), protocol=5)


def test_a_value_a_failed_job_staged_goes_back_with_the_next_job_writing_it(workdir: Path) -> None:
    """A worker keeps its blob store between jobs, but what a job staged is not taken as stored."""
    worker = Worker(
        {"sys_path": sys.path, "cwd": str(workdir), "blob_folder": str(workdir / "blobs"), "inline_limit": 65536}
        | {"main_path": None, "parent_pid": os.getpid()}
    )
    _, failed, sent = worker.run(_request("JOB_1", "standalone_tasks.value_and_unpicklable", 2, 41))
    assert failed.failed and sent == []  # its first output was staged, then the second write failed
    _, outcome, sent = worker.run(_request("JOB_2", "standalone_tasks.inc", 1, 40))
    assert not outcome.failed
    (payload,) = outcome.payloads
    assert dict(sent) == {payload.content_hash: pickle.dumps(41, protocol=5)}
