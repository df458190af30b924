"""Development-mode execution through the public API."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest
from backends import BACKENDS
from pipelines import double, fail, identity, pair

import ledgerflow as lf
from ledgerflow import Config, Status, SubmissionStatus
from ledgerflow.domain import errors


@pytest.fixture(params=BACKENDS)
def event_store_url(request: pytest.FixtureRequest) -> str | None:
    """Every test of this module runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("postgres_url")
    return url


def chain_config(skippable: bool = False) -> lf.Config:
    x = Config.configure_data_node("x", default_data=3)
    y = Config.configure_data_node("y")
    z = Config.configure_data_node("z")
    t1 = Config.configure_task("t1", double, x, y, skippable=skippable)
    t2 = Config.configure_task("t2", double, y, z, skippable=skippable)
    return Config.configure_scenario("chain", [t2, t1], sequences={"only_first": [t1]})


def test_jobs_run_in_dag_order_and_record_every_status(workdir: Path) -> None:
    config = chain_config()
    lf.Orchestrator().run()
    scenario = lf.create_scenario(config)
    submission = lf.submit(scenario)
    assert submission.submission_status is SubmissionStatus.COMPLETED
    assert scenario.z.read() == 12
    first, second = submission.jobs
    assert first.task == scenario.t1 and second.task == scenario.t2
    assert [s for s, *_ in first.status_change_records] == [
        Status.SUBMITTED,
        Status.PENDING,
        Status.RUNNING,
        Status.COMPLETED,
    ]
    assert [s for s, *_ in second.status_change_records] == [
        Status.SUBMITTED,
        Status.BLOCKED,
        Status.PENDING,
        Status.RUNNING,
        Status.COMPLETED,
    ]
    assert scenario.y.edits[-1]["job_id"] == first.id  # job writes are in the edit history
    assert lf.get_latest_job(scenario.t2) == second
    # t2 starts as soon as t1 ends: the submission stays RUNNING between them
    changes = [e.payload["status"] for e in lf.history(submission) if e.topic.endswith("submission.status_changed")]
    assert changes == [SubmissionStatus.PENDING, SubmissionStatus.RUNNING, SubmissionStatus.COMPLETED]


def test_submit_a_sequence_and_a_task(running: Path) -> None:
    scenario = lf.create_scenario(chain_config())
    sequence_run = lf.submit(scenario.only_first)
    assert [j.task.config_id for j in sequence_run.jobs] == ["t1"]
    assert sequence_run.entity_type == "SEQUENCE"
    task_run = scenario.t2.submit()
    assert task_run.entity_type == "TASK" and scenario.z.read() == 12


def test_a_failing_task_keeps_its_traceback_and_abandons_downstream(running: Path) -> None:
    a = Config.configure_data_node("a", default_data=1)
    b = Config.configure_data_node("b", default_data="old")
    c = Config.configure_data_node("c")
    config = Config.configure_scenario(
        "broken", [Config.configure_task("boom", fail, a, b), Config.configure_task("after", identity, b, c)]
    )
    scenario = lf.create_scenario(config)
    submission = lf.submit(scenario)
    boom, after = submission.jobs
    assert boom.status is Status.FAILED and after.status is Status.ABANDONED
    assert submission.submission_status is SubmissionStatus.FAILED
    assert "cannot handle 1" in "".join(boom.stacktrace)
    assert "pipelines.py" in boom.stacktrace[0]  # the user's own frame comes first
    assert scenario.b.read() == "old"  # the failed job wrote nothing


def test_blocked_job_waits_for_an_unwritten_input(running: Path) -> None:
    a = Config.configure_data_node("a")
    b = Config.configure_data_node("b")
    config = Config.configure_scenario("s", [Config.configure_task("t", identity, a, b)])
    scenario = lf.create_scenario(config)
    submission = lf.submit(scenario)
    assert submission.jobs[0].status is Status.BLOCKED
    assert submission.submission_status is SubmissionStatus.BLOCKED


def test_multiple_outputs_and_a_wrong_result_count(running: Path) -> None:
    a = Config.configure_data_node("a", default_data=2)
    p = Config.configure_data_node("p")
    n = Config.configure_data_node("n")
    good = Config.configure_scenario("good", [Config.configure_task("split", pair, a, [p, n])])
    wrong = Config.configure_scenario("wrong", [Config.configure_task("bad_split", double, a, [p, n])])
    scenario = lf.create_scenario(good)
    lf.submit(scenario)
    assert (scenario.p.read(), scenario.n.read()) == (2, -2)
    failed = lf.submit(lf.create_scenario(wrong)).jobs[0]
    assert failed.status is Status.FAILED and "return a tuple with one value per output" in "".join(failed.stacktrace)


def test_skippable_tasks_skip_until_an_input_changes(running: Path) -> None:
    scenario = lf.create_scenario(chain_config(skippable=True))
    lf.submit(scenario)
    again = lf.submit(scenario)
    assert [j.status for j in again.jobs] == [Status.SKIPPED, Status.SKIPPED]
    scenario.y.write(10)
    partial = lf.submit(scenario)
    assert [j.status for j in partial.jobs] == [Status.SKIPPED, Status.COMPLETED]
    assert scenario.z.read() == 20
    forced = lf.submit(scenario, force=True)
    assert [j.status for j in forced.jobs] == [Status.COMPLETED, Status.COMPLETED]


def test_jobs_with_nothing_to_wait_for_and_up_to_date_outputs_are_created_skipped(running: Path) -> None:
    scenario = lf.create_scenario(chain_config(skippable=True))
    lf.submit(scenario)
    seen: list[tuple[str, Status]] = []
    again = lf.submit(scenario, callbacks=[lambda job: seen.append((job.task.config_id, job.status))])
    assert again.submission_status is SubmissionStatus.COMPLETED
    for job in again.jobs:  # one event says it was submitted and why it was skipped
        assert [e.topic for e in lf.history(job)] == ["ledgerflow.job.created"]
        assert [(s, r) for s, _, r in job.status_change_records] == [
            (Status.SUBMITTED, None),
            (Status.SKIPPED, "outputs are up to date"),
        ]
    assert seen == [("t1", Status.SKIPPED), ("t2", Status.SKIPPED)]
    scenario.x.write(5)  # t1 runs: t2 waits for it, BLOCKED then PENDING, before its own decision
    partial = lf.submit(scenario)
    t1, t2 = (partial.jobs[1], partial.jobs[0]) if partial.jobs[0].task.config_id == "t2" else partial.jobs
    assert [s for s, _, _ in t1.status_change_records][-1] is Status.COMPLETED
    assert [s for s, _, _ in t2.status_change_records] == [
        Status.SUBMITTED,
        Status.BLOCKED,
        Status.PENDING,
        Status.RUNNING,
        Status.COMPLETED,
    ]


def test_jobs_are_created_in_the_first_status_their_run_judges(workdir: Path) -> None:
    """PENDING (inputs ready) or BLOCKED (waiting) in the creation event; the history still starts SUBMITTED."""
    scenario = lf.create_scenario(chain_config())
    waiting = lf.submit(scenario)  # no orchestrator yet: created SUBMITTED, judged when the run starts
    assert {j.status for j in waiting.jobs} == {Status.SUBMITTED}
    lf.Orchestrator().run()
    assert waiting.wait(60)
    submission = lf.submit(scenario)
    t1, t2 = sorted(submission.jobs, key=lambda job: job.task.config_id)
    created = next((e.topic, e.payload.get("status")) for e in lf.history(t1))
    assert created == ("ledgerflow.job.created", int(Status.PENDING))
    assert [e.topic for e in lf.history(t2)][:2] == ["ledgerflow.job.created", "ledgerflow.job.status_changed"]
    assert [(s, r) for s, _, r in t2.status_change_records][:3] == [
        (Status.SUBMITTED, None),
        (Status.BLOCKED, "inputs not ready"),
        (Status.PENDING, None),
    ]
    assert [s for s, _, _ in t1.status_change_records] == [
        Status.SUBMITTED,
        Status.PENDING,
        Status.RUNNING,
        Status.COMPLETED,
    ]
    assert scenario.z.read() == 12


def test_callbacks_see_every_status_change(running: Path) -> None:
    seen: list[tuple[str, Status]] = []
    scenario = lf.create_scenario(chain_config())
    lf.submit(scenario, callbacks=[lambda job: seen.append((job.task.config_id, job.status))])
    assert ("t1", Status.RUNNING) in seen and seen[-1] == ("t2", Status.COMPLETED)
    assert all(status is not Status.SUBMITTED for _, status in seen)


def test_async_submit_from_an_event_loop(running: Path) -> None:
    scenario = lf.create_scenario(chain_config())

    async def main() -> lf.Submission:
        return await lf.asubmit(scenario)

    submission = anyio.run(main)
    assert submission.is_completed() and scenario.z.read() == 12


async def async_double(x: int) -> int:
    await anyio.sleep(0)
    return x * 2


def test_async_task_functions_are_awaited(running: Path) -> None:
    a = Config.configure_data_node("a", default_data=4)
    b = Config.configure_data_node("b")
    config = Config.configure_scenario("s", [Config.configure_task("t", async_double, a, b)])
    scenario = lf.create_scenario(config)
    lf.submit(scenario)
    assert scenario.b.read() == 8


def test_submit_without_a_running_orchestrator_runs_later(workdir: Path) -> None:
    config = chain_config()
    scenario = lf.create_scenario(config)
    submission = lf.submit(scenario)
    assert submission.jobs[0].status is Status.SUBMITTED
    lf.Orchestrator().run()
    assert submission.is_completed() and scenario.z.read() == 12


def test_second_run_is_refused(running: Path) -> None:
    with pytest.raises(errors.OrchestratorServiceIsAlreadyRunning):
        lf.Orchestrator().run()


def test_the_log_is_in_the_configured_store(running: Path, event_store_url: str | None) -> None:
    from ledgerflow.service import session

    scenario = lf.create_scenario(chain_config())
    lf.submit(scenario)
    runtime = session.current().runtime
    assert runtime.url == (event_store_url or f"sqlite:///{running / '.ledgerflow' / 'events.db'}")
    assert runtime.store.max_position() > 10
