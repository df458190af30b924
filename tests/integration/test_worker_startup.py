"""A worker process imports little: it is ready for jobs soon after its interpreter starts.

What it imports to run a job reading and writing pickled values is checked from inside a real worker
(standalone mode), after a job ran there: no event loop, no config package, no optional storage backends.
"""

from __future__ import annotations

from standalone_tasks import loaded_modules

import ledgerflow as lf
from ledgerflow import Config

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
