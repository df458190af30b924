"""Standalone mode: a pool of worker processes, non-blocking submit, true parallelism, lost workers."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from standalone_tasks import gated, inc, rendezvous, victim, wait_for_files

import ledgerflow as lf
from ledgerflow import Config, Status, SubmissionStatus


def start(workers: int | str = 2) -> None:
    Config.configure_job_executions(mode="standalone", max_nb_of_workers=workers)
    lf.Orchestrator().run()
    Config.unblock_update()


@pytest.fixture
def files(workdir: Path) -> Iterator[Path]:
    """A folder for the tasks' coordination files; whatever still waits is let go at the end."""
    folder = workdir / "files"
    folder.mkdir()
    yield folder
    (folder / "open").touch()
    (folder / "release").touch()


def spec(folder: Path, name: str, **more: object) -> dict[str, object]:
    return {"folder": str(folder), "name": name, **more}


def one_task(task_id: str, function: object, value: object, **options: object) -> lf.Config:
    data = Config.configure_data_node(f"{task_id}_in", default_data=value)
    task = Config.configure_task(task_id, function, data, Config.configure_data_node(f"{task_id}_out"), **options)
    return task


def test_submit_returns_before_the_jobs_finish(files: Path) -> None:
    start()
    config = Config.configure_scenario("s", [one_task("wait", gated, spec(files, "wait"))])
    scenario = lf.create_scenario(config)
    submission = lf.submit(scenario)
    assert not submission.is_finished()
    assert not submission.wait(0.2)  # the gate is closed: the job cannot finish
    assert lf.submit(scenario, wait=True, timeout=0.2).status in (SubmissionStatus.PENDING, SubmissionStatus.RUNNING)
    (files / "open").touch()
    assert submission.wait(60) and submission.is_completed()
    assert scenario.wait_out.read()["name"] == "wait"


def test_independent_branches_and_scenarios_run_at_once(files: Path) -> None:
    start(workers=2)
    left = one_task("left", rendezvous, spec(files, "left", parties=2))
    right = one_task("right", rendezvous, spec(files, "right", parties=2))
    branches = lf.submit(lf.create_scenario(Config.configure_scenario("branches", [left, right])))
    assert branches.wait(90) and branches.is_completed()  # each waited for the other: they overlapped
    for path in (files / "arrived").iterdir():
        path.unlink()
    configs = [
        Config.configure_scenario(name, [one_task(name, rendezvous, spec(files, name, parties=2))])
        for name in ("north", "south")
    ]
    first, second = (lf.submit(lf.create_scenario(config)) for config in configs)
    assert first.wait(90) and second.wait(90) and first.is_completed() and second.is_completed()


def test_as_many_jobs_run_at_once_as_there_are_workers(files: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LF_TEST_WORKERS", "8")
    start(workers="ENV[LF_TEST_WORKERS]:int")
    tasks = [one_task(f"r{i}", rendezvous, spec(files, f"r{i}", parties=8)) for i in range(8)]
    submission = lf.submit(lf.create_scenario(Config.configure_scenario("eight", tasks)))
    assert submission.wait(120) and submission.is_completed()  # all 8 were in their functions together


def test_a_killed_worker_fails_its_job_and_the_pool_goes_on(files: Path) -> None:
    start()
    doomed = one_task("doomed", victim, spec(files, "doomed"))
    other = one_task("other", gated, spec(files, "other"))
    after = Config.configure_task("after", str, doomed.output_configs[0], Config.configure_data_node("after_out"))
    submission = lf.submit(lf.create_scenario(Config.configure_scenario("s", [doomed, other, after])))
    [pid] = wait_for_files(files, "victim-", submission=submission)
    os.kill(pid, signal.SIGKILL)
    (files / "open").touch()
    assert submission.wait(60)
    doomed_job, other_job, after_job = submission.jobs
    assert doomed_job.status is Status.FAILED and after_job.status is Status.ABANDONED
    assert "worker lost" in doomed_job.status_change_records[-1][2] and "signal 9" in doomed_job.stacktrace[-1]
    assert other_job.status is Status.COMPLETED
    again = lf.submit(lf.create_scenario(Config.configure_scenario("t", [one_task("t", inc, 1)])), wait=True)
    assert again.is_completed()  # the pool replaced the dead worker


def test_a_job_of_a_killed_worker_is_retried_when_its_task_allows(files: Path) -> None:
    start()
    task = one_task("doomed", victim, spec(files, "doomed"), retries=1)
    submission = lf.submit(lf.create_scenario(Config.configure_scenario("s", [task])))
    [pid] = wait_for_files(files, "victim-", submission=submission)
    (files / "release").touch()  # the next attempt will not wait
    os.kill(pid, signal.SIGKILL)
    assert submission.wait(60) and submission.is_completed()
    reasons = [why or "" for status, _, why in submission.jobs[0].status_change_records if status is Status.PENDING]
    assert reasons[-1].startswith("retry 1 of 1 after: worker lost")


def test_async_submit_in_standalone_mode(files: Path) -> None:
    start()
    scenario = lf.create_scenario(Config.configure_scenario("s", [one_task("t", inc, 41)]))

    async def main() -> lf.Submission:
        return await lf.asubmit(scenario)

    submission = anyio.run(main)
    assert submission.is_completed() and scenario.t_out.read() == 42


def test_bad_retries_are_refused_before_anything_is_recorded(files: Path) -> None:
    start()
    scenario = lf.create_scenario(Config.configure_scenario("s", [one_task("t", inc, 1, retries="twice")]))
    with pytest.raises(lf.exceptions.ConfigurationError, match="retries must be a whole number"):
        lf.submit(scenario)
    assert lf.get_submissions() == []


def test_stop_without_waiting_kills_running_jobs_and_keeps_queued_ones(files: Path) -> None:
    start(workers=1)
    tasks = [one_task(name, gated, spec(files, name)) for name in ("a", "b")]
    submission = lf.submit(lf.create_scenario(Config.configure_scenario("s", tasks)))
    wait_for_files(files, "started-", submission=submission)
    lf.Orchestrator().stop(wait=False)
    jobs = {job.status: job for job in submission.jobs}
    assert set(jobs) == {Status.FAILED, Status.PENDING}  # the running one was killed; the other still queued
    assert "killed because the orchestrator stopped without waiting" in jobs[Status.FAILED].stacktrace[-1]
    (files / "open").touch()
    lf.Orchestrator().run()  # the next start resumes the queued one
    assert submission.wait(60) and jobs[Status.PENDING].status is Status.COMPLETED
