"""Cancelling jobs: queued ones (Taipy's rules) and running ones (their worker is killed)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from standalone_tasks import gated, wait_for_files

import ledgerflow as lf
from ledgerflow import Config, Status, SubmissionStatus


@pytest.fixture
def standalone(workdir: Path) -> Iterator[Path]:
    """The orchestrator running in standalone mode with 2 workers; a folder for the tasks' files."""
    Config.configure_job_executions(mode="standalone", max_nb_of_workers=2)
    lf.Orchestrator().run()
    Config.unblock_update()
    folder = workdir / "files"
    folder.mkdir()
    yield folder
    (folder / "open").touch()  # let anything still waiting finish


def gated_chain(folder: Path) -> lf.Config:
    """first (waits for the gate) -> second -> third; ``b`` already holds "old"."""
    spec = Config.configure_data_node("spec", default_data={"folder": str(folder), "name": "first"})
    a = Config.configure_data_node("a")
    b = Config.configure_data_node("b", default_data="old")
    c = Config.configure_data_node("c")
    first = Config.configure_task("first", gated, spec, a)
    second = Config.configure_task("second", str, a, b)
    third = Config.configure_task("third", str, b, c)
    return Config.configure_scenario("gated", [first, second, third])


def statuses(submission: lf.Submission) -> dict[str, Status]:
    return {job.task.config_id: job.status for job in submission.jobs}


def test_cancel_a_queued_job_abandons_its_downstream_jobs(standalone: Path) -> None:
    scenario = lf.create_scenario(gated_chain(standalone))
    submission = lf.submit(scenario)
    wait_for_files(standalone, "started-first", submission=submission)
    lf.cancel_job(submission.jobs[1])
    assert statuses(submission) == {"first": Status.RUNNING, "second": Status.CANCELED, "third": Status.ABANDONED}
    (standalone / "open").touch()
    assert submission.wait(60)
    assert statuses(submission)["first"] is Status.COMPLETED  # a job not downstream goes on
    assert submission.submission_status is SubmissionStatus.CANCELED
    assert scenario.b.read() == "old"
    reason = submission.jobs[1].status_change_records[-1][2]
    assert reason is not None and reason.startswith("canceled by")


def test_cancel_a_running_job_kills_its_worker_and_keeps_the_outputs(standalone: Path) -> None:
    scenario = lf.create_scenario(gated_chain(standalone))
    scenario.a.write("previous")
    submission = lf.submit(scenario)
    [pid] = wait_for_files(standalone, "started-first", submission=submission)
    lf.cancel_job(submission.jobs[0], reason="the user changed their mind")
    assert statuses(submission) == {"first": Status.CANCELED, "second": Status.ABANDONED, "third": Status.ABANDONED}
    assert submission.jobs[0].status_change_records[-1][2] == "the user changed their mind"
    assert submission.submission_status is SubmissionStatus.CANCELED
    assert scenario.a.read() == "previous"  # the killed job wrote nothing
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the worker is gone
    (standalone / "open").touch()
    again = lf.submit(scenario, wait=True, timeout=60)  # the pool replaced the worker
    assert statuses(again) == dict.fromkeys(("first", "second", "third"), Status.COMPLETED)


def test_submission_cancel_stops_every_unfinished_job(standalone: Path) -> None:
    scenario = lf.create_scenario(gated_chain(standalone))
    submission = lf.submit(scenario)
    wait_for_files(standalone, "started-first", submission=submission)
    submission.cancel()
    assert statuses(submission) == {"first": Status.CANCELED, "second": Status.ABANDONED, "third": Status.ABANDONED}
    assert submission.wait(0)


def test_cancel_is_refused_for_nothing_and_harmless_on_finished_jobs(standalone: Path) -> None:
    (standalone / "open").touch()
    scenario = lf.create_scenario(gated_chain(standalone))
    submission = lf.submit(scenario, wait=True, timeout=60)
    lf.cancel_job(submission.jobs[0])  # already COMPLETED: nothing changes
    assert statuses(submission)["first"] is Status.COMPLETED
    with pytest.raises(lf.exceptions.NonExistingEntity):
        lf.cancel_job("JOB_nothing_1234")


def test_cancel_a_job_no_orchestrator_runs(workdir: Path) -> None:
    a = Config.configure_data_node("a", default_data=1)
    b = Config.configure_data_node("b")
    scenario = lf.create_scenario(Config.configure_scenario("s", [Config.configure_task("t", str, a, b)]))
    submission = lf.submit(scenario)  # recorded; no orchestrator runs it
    lf.cancel_job(submission.jobs[0])
    assert submission.jobs[0].status is Status.CANCELED
    lf.Orchestrator().run()  # nothing left to resume
    assert submission.jobs[0].status is Status.CANCELED and scenario.b.edits == []
