"""The runner contract: one behavioural suite run on the in-loop (development) and subprocess
(standalone) runners. Whatever runs the functions, the log must tell the same story."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from cluster_support import cluster_for
from pipelines import double, fail, identity, pair
from standalone_tasks import flaky, timed

import ledgerflow as lf
from ledgerflow import Config, Status, SubmissionStatus
from ledgerflow.service import session

WORKERS = 2


@pytest.fixture(
    params=[
        "development",
        "standalone",
        pytest.param("cluster", marks=[pytest.mark.postgres, pytest.mark.slow, pytest.mark.cluster]),
    ]
)
def mode(request: pytest.FixtureRequest, workdir: Path) -> Iterator[str]:
    """The orchestrator running with each runner (the config stays open to changes)."""
    if request.param == "cluster":
        yield from _cluster(request, workdir)
        return
    Config.configure_job_executions(mode=request.param, max_nb_of_workers=WORKERS)
    lf.Orchestrator().run()
    Config.unblock_update()
    yield request.param


def _cluster(request: pytest.FixtureRequest, workdir: Path) -> Iterator[str]:
    """Cluster mode: WORKERS workers of one process each, run what the log names (no application file)."""
    postgres_url = request.getfixturevalue("postgres_url")
    monkeypatch = request.getfixturevalue("monkeypatch")
    for cluster in cluster_for(workdir, postgres_url, monkeypatch):
        cluster.env["PYTHONPATH"] += os.pathsep + str(Path(__file__).parent)
        for _ in range(WORKERS):
            cluster.start_worker(application=False, wait=False)
        queue = os.environ["LEDGERFLOW_TEST_QUEUE"]
        Config.configure_job_executions(mode="cluster", queue=queue, max_nb_of_workers=WORKERS, lease_seconds=5)
        lf.Orchestrator().run()
        Config.unblock_update()
        for worker in cluster.workers:
            cluster.wait_ready(worker)
        yield "cluster"
        lf.Orchestrator().stop()
        session.close()  # before the schema goes


def run(config: lf.Config, **options: object) -> tuple[lf.Scenario, lf.Submission]:
    scenario = lf.create_scenario(config)
    submission = lf.submit(scenario, wait=True, timeout=60, **options)
    assert submission.wait(60), "the submission did not finish"
    return scenario, submission


def chain() -> lf.Config:
    x = Config.configure_data_node("x", default_data=3)
    y = Config.configure_data_node("y")
    z = Config.configure_data_node("z")
    t1 = Config.configure_task("t1", double, x, y, skippable=True)
    t2 = Config.configure_task("t2", double, y, z, skippable=True)
    return Config.configure_scenario("chain", [t2, t1])


def test_jobs_run_in_dag_order_and_every_status_is_recorded(mode: str) -> None:
    scenario, submission = run(chain())
    assert submission.submission_status is SubmissionStatus.COMPLETED and scenario.z.read() == 12
    first, second = submission.jobs
    assert [s for s, *_ in first.status_change_records] == [
        Status.SUBMITTED,
        Status.PENDING,
        Status.RUNNING,
        Status.COMPLETED,
    ]
    assert [s for s, *_ in second.status_change_records][1:] == [
        Status.BLOCKED,
        Status.PENDING,
        Status.RUNNING,
        Status.COMPLETED,
    ]
    assert scenario.y.edits[-1]["job_id"] == first.id  # a job's write is in the edit history


def test_skippable_jobs_skip_until_an_input_changes(mode: str) -> None:
    scenario, _ = run(chain())
    again = lf.submit(scenario, wait=True, timeout=60)
    assert [j.status for j in again.jobs] == [Status.SKIPPED, Status.SKIPPED]
    scenario.y.write(10)
    partial = lf.submit(scenario, wait=True, timeout=60)
    assert [j.status for j in partial.jobs] == [Status.SKIPPED, Status.COMPLETED] and scenario.z.read() == 20


def test_a_failure_keeps_its_traceback_and_abandons_downstream_jobs(mode: str) -> None:
    a = Config.configure_data_node("a", default_data=1)
    b = Config.configure_data_node("b", default_data="old")
    c = Config.configure_data_node("c")
    boom = Config.configure_task("boom", fail, a, b)
    after = Config.configure_task("after", identity, b, c)
    scenario, submission = run(Config.configure_scenario("broken", [boom, after]))
    failed, abandoned = submission.jobs
    assert (failed.status, abandoned.status) == (Status.FAILED, Status.ABANDONED)
    assert submission.submission_status is SubmissionStatus.FAILED
    assert "pipelines.py" in failed.stacktrace[0] and "cannot handle 1" in "".join(failed.stacktrace)
    assert scenario.b.read() == "old"


def test_several_outputs_and_a_wrong_result_count(mode: str) -> None:
    a = Config.configure_data_node("a", default_data=2)
    p = Config.configure_data_node("p")
    n = Config.configure_data_node("n")
    scenario, _ = run(Config.configure_scenario("good", [Config.configure_task("split", pair, a, [p, n])]))
    assert (scenario.p.read(), scenario.n.read()) == (2, -2)
    _, wrong = run(Config.configure_scenario("wrong", [Config.configure_task("bad", double, a, [p, n])]))
    assert "return a tuple with one value per output" in "".join(wrong.jobs[0].stacktrace)


async def async_double(x: int) -> int:
    return x * 2


def test_async_functions_are_awaited(mode: str) -> None:
    a = Config.configure_data_node("a", default_data=4)
    b = Config.configure_data_node("b")
    scenario, _ = run(Config.configure_scenario("s", [Config.configure_task("t", async_double, a, b)]))
    assert scenario.b.read() == 8


def test_callbacks_see_every_status_change(mode: str) -> None:
    seen: list[tuple[str, Status]] = []
    run(chain(), callbacks=[lambda job: seen.append((job.task.config_id, job.status))])
    assert ("t1", Status.RUNNING) in seen and seen[-1] == ("t2", Status.COMPLETED)
    assert all(status is not Status.SUBMITTED for _, status in seen)


def test_retries_run_a_failed_job_again(mode: str, workdir: Path) -> None:
    spec = Config.configure_data_node("spec", default_data={"folder": str(workdir), "name": "f", "failures": 2})
    out = Config.configure_data_node("out")
    task = Config.configure_task("f", flaky, spec, out, retries=2)
    scenario, submission = run(Config.configure_scenario("s", [task]))
    job = submission.jobs[0]
    assert job.status is Status.COMPLETED and scenario.out.read() == 3
    statuses = [s for s, *_ in job.status_change_records]
    assert statuses.count(Status.RUNNING) == 3 and statuses.count(Status.PENDING) == 3
    reasons = [why or "" for s, _, why in job.status_change_records if s is Status.PENDING]
    assert reasons[1].startswith("retry 1 of 2 after: RuntimeError: attempt 1 fails on purpose")


def test_no_more_jobs_run_at_once_than_the_runner_allows(mode: str) -> None:
    nodes = [Config.configure_data_node(f"in{i}", default_data={"seconds": 0.1}) for i in range(5)]
    tasks = [
        Config.configure_task(f"t{i}", timed, node, Config.configure_data_node(f"out{i}"))
        for i, node in enumerate(nodes)
    ]
    scenario, submission = run(Config.configure_scenario("wide", tasks))
    assert submission.is_completed()
    capacity = 1 if mode == "development" else WORKERS  # cluster: WORKERS workers of one process
    running = [_running_interval(job) for job in submission.jobs]
    assert _most_at_once(running) <= capacity  # as recorded in the log
    executed = [scenario.data_nodes[f"out{i}"].read() for i in range(5)]
    assert _most_at_once([(e["start"], e["end"]) for e in executed]) <= capacity  # as the functions ran


def _running_interval(job: lf.Job) -> tuple[float, float]:
    records = job.status_change_records
    start = next(when for status, when, _ in records if status is Status.RUNNING)
    end: datetime = records[-1][1]
    return start.timestamp(), end.timestamp()


def _most_at_once(intervals: list[tuple[float, float]]) -> int:
    edges = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    most = current = 0
    for _, step in edges:  # an end sorts before a start at the same instant
        current += step
        most = max(most, current)
    return most
