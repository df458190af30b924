"""The replay guarantee: a projection rebuilt from position 0 equals the live one."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from pipelines import add, double, fail

import ledgerflow as lf
from ledgerflow import Config, Frequency, Scope
from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.projections.current import CurrentState
from ledgerflow.service import session


@contextmanager
def fresh_directory() -> Iterator[Path]:
    previous = Path.cwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        try:
            yield Path(folder)
        finally:
            os.chdir(previous)


def configure() -> dict[str, object]:
    Config._reset()
    shared = Config.configure_data_node("shared", scope=Scope.GLOBAL, default_data=1)
    month = Config.configure_data_node("month", scope=Scope.CYCLE, default_data=2)
    a = Config.configure_data_node("a")
    b = Config.configure_data_node("b")
    bad = Config.configure_data_node("bad")
    t1 = Config.configure_task("t1", add, [shared, month], a, skippable=True)
    t2 = Config.configure_task("t2", double, a, b)
    t3 = Config.configure_task("t3", fail, b, bad)
    good = Config.configure_scenario("good", [t1, t2], frequency=Frequency.MONTHLY, sequences={"first": [t1]})
    broken = Config.configure_scenario("broken", [t1, t2, t3])
    return {"good": good, "broken": broken}


def rebuilt() -> CurrentState:
    runtime = session.current().runtime
    runtime.flush()
    runtime.catch_up()
    state = CurrentState()
    state.set_horizon(runtime.keep_finished)  # the same horizon of finished submissions kept in memory
    state.apply_all(runtime.store.iter_records())
    return state


class ApiCalls(RuleBasedStateMachine):
    """Random sequences of public API calls."""

    keep_finished_jobs: int | None = 10_000

    @initialize()
    def start(self) -> None:
        self._dir = fresh_directory()
        self._dir.__enter__()
        session.close()
        self.configs = configure()
        Config.configure_job_executions(mode="development", keep_finished_jobs=self.keep_finished_jobs)
        lf.Orchestrator().run()
        self.scenarios: list[lf.Scenario] = []

    def teardown(self) -> None:
        lf.Orchestrator().stop()
        session.close()
        Config._reset()
        self._dir.__exit__(None, None, None)

    @rule(kind=st.sampled_from(["good", "broken"]), month=st.integers(1, 3))
    def create(self, kind: str, month: int) -> None:
        from datetime import datetime

        scenario = lf.create_scenario(self.configs[kind], creation_date=datetime(2024, month, 5))
        self.scenarios.append(scenario)

    @precondition(lambda self: self.scenarios)
    @rule(index=st.integers(0, 50), force=st.booleans())
    def submit(self, index: int, force: bool) -> None:
        lf.submit(self.scenarios[index % len(self.scenarios)], force=force)

    @precondition(lambda self: self.scenarios)
    @rule(index=st.integers(0, 50), value=st.integers(-5, 5))
    def write(self, index: int, value: int) -> None:
        scenario = self.scenarios[index % len(self.scenarios)]
        scenario.shared.write(value, comment="hypothesis")

    @precondition(lambda self: self.scenarios)
    @rule(index=st.integers(0, 50), tag=st.sampled_from(["x", "y"]), add=st.booleans())
    def tag(self, index: int, tag: str, add: bool) -> None:
        scenario = self.scenarios[index % len(self.scenarios)]
        (lf.tag if add else lf.untag)(scenario, tag)

    @precondition(lambda self: self.scenarios)
    @rule(index=st.integers(0, 50))
    def delete_or_promote(self, index: int) -> None:
        scenario = self.scenarios.pop(index % len(self.scenarios))
        try:
            if scenario.cycle is not None and not scenario.is_primary:
                lf.set_primary(scenario)
            lf.delete(scenario.id)
        except LedgerflowError:
            self.scenarios.append(scenario)

    @invariant()
    def rebuild_equals_live(self) -> None:
        if not hasattr(self, "configs"):
            return
        assert rebuilt() == session.current().runtime.state


TestApiCalls = ApiCalls.TestCase
TestApiCalls.settings = settings(
    max_examples=20, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck)
)


class ApiCallsWithAShortHorizon(ApiCalls):
    """The same calls, every finished submission but the last leaving memory (read back from the log)."""

    keep_finished_jobs = 1

    @invariant()
    def reads_equal_those_of_a_state_that_keeps_everything(self) -> None:
        if not hasattr(self, "configs"):
            return
        runtime = session.current().runtime
        everything = CurrentState()
        everything.apply_all(runtime.store.iter_records())
        assert sorted(j.id for j in lf.get_jobs()) == sorted(everything.jobs)
        assert sorted(s.id for s in lf.get_submissions()) == sorted(everything.submissions)
        for table in ("jobs", "submissions"):
            read = getattr(runtime.state, table)
            assert all(read[i] == view for i, view in getattr(everything, table).items())
        for task_id in everything.tasks:
            assert runtime.state.jobs_of(task_id) == everything.task_jobs.get(task_id, [])


TestApiCallsWithAShortHorizon = ApiCallsWithAShortHorizon.TestCase
TestApiCallsWithAShortHorizon.settings = TestApiCalls.settings


def test_a_restarted_process_finds_everything_as_it_was(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        import ledgerflow as lf
        from ledgerflow import Config
        from pipelines import double

        a = Config.configure_data_node("a", default_data=21)
        b = Config.configure_data_node("b")
        scenario_cfg = Config.configure_scenario("s", [Config.configure_task("t", double, a, b)])
        Config.configure_core(mode="experiment", version_number="1.0")
        lf.Orchestrator().run()
        if sys.argv[1] == "create":
            scenario = lf.create_scenario(scenario_cfg, name="kept")
            lf.tag(scenario, "important")
            lf.submit(scenario)
            scenario.a.write(5, editor_id="alice", comment="by hand")
        for s in lf.get_scenarios():
            print(s.name, sorted(s.tags), s.a.read(), s.b.read(), len(s.a.edits),
                  [j.status.name for j in lf.get_jobs()], len(lf.get_submissions()))
        """
    )
    (tmp_path / "app.py").write_text(script)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    first = subprocess.run([sys.executable, "app.py", "create"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    second = subprocess.run([sys.executable, "app.py", "read"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    expected = "kept ['important'] 5 42 2 ['COMPLETED'] 1"
    assert first.stdout.strip() == expected
    assert second.stdout.strip() == expected
