"""Finished submissions and jobs past the horizon leave memory and read back from the log unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from backends import BACKENDS
from pipelines import double
from typer.testing import CliRunner

import ledgerflow as lf
from ledgerflow import Config, Status
from ledgerflow.cli import app
from ledgerflow.service import session
from ledgerflow.service.audit.replay import rebuild


@pytest.fixture(params=BACKENDS)
def event_store_url(request: pytest.FixtureRequest) -> str | None:
    """Every test of this module runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("postgres_url")
    return url


def configure(keep: int | None) -> Any:
    Config.configure_job_executions(mode="development", keep_finished_jobs=keep)
    a = Config.configure_data_node("a", default_data=3)
    b = Config.configure_data_node("b")
    c = Config.configure_data_node("c")
    return Config.configure_scenario(
        "s", [Config.configure_task("t1", double, a, b), Config.configure_task("t2", double, b, c)]
    )


def snapshot() -> dict[str, Any]:
    """Everything the public API shows of jobs and submissions."""
    jobs = {
        j.id: (j.status, j.task.id, j.submit_id, j.submit_entity_id, j.creation_date, j.version, j.stacktrace)
        for j in lf.get_jobs()
    }
    submissions = {s.id: (s.status, s.entity_id, [j.id for j in s.jobs], s.creation_date) for s in lf.get_submissions()}
    scenario = lf.get_scenarios()[0]
    return {
        "jobs": list(jobs.items()),
        "submissions": list(submissions.items()),
        "latest submission": lf.get_latest_submission(scenario).id,
        "latest job": lf.get_latest_job(scenario.t2).id,
    }


def run_workload(keep: int | None) -> dict[str, Any]:
    config = configure(keep)
    lf.Orchestrator().run()
    scenario = lf.create_scenario(config)
    for value in range(6):
        scenario.a.write(value)
        lf.submit(scenario, wait=True)
    return snapshot()


def test_jobs_past_the_horizon_read_back_with_the_same_fields(workdir: Path) -> None:
    seen = run_workload(keep=2)
    state = session.current().runtime.state
    assert len(state.submissions) == 2 and len(state.jobs) == 4  # the rest left memory
    assert len(seen["jobs"]) == 12 and len(seen["submissions"]) == 6
    assert [status for _, (status, *_) in seen["jobs"]] == [Status.COMPLETED] * 12
    assert seen["latest job"] == seen["jobs"][-1][0] and seen["latest submission"] == seen["submissions"][-1][0]
    oldest_id = seen["jobs"][0][0]
    oldest = lf.get(oldest_id)
    assert oldest.status is Status.COMPLETED and lf.exists(oldest_id)
    assert oldest.task.id == lf.get(seen["jobs"][-2][0]).task.id and oldest.submit_id == seen["submissions"][0][0]
    assert lf.get(seen["submissions"][0][0]).jobs[0].id == oldest_id


def test_listings_equal_those_of_a_process_that_keeps_everything(workdir: Path) -> None:
    with_horizon = run_workload(keep=1)
    lf.Orchestrator().stop()
    session.close()
    Config._reset()
    # the same store opened again, everything kept in memory: the same answers
    configure(keep=None)
    assert snapshot() == with_horizon  # a look (no run started): the development run stays as it was
    assert len(session.current().runtime.state.jobs) == 12


def test_a_live_state_with_a_horizon_equals_its_replay(workdir: Path) -> None:
    run_workload(keep=1)
    report = lf.replay(verify=True)
    assert report.ok, report.differences
    state = session.current().runtime.state
    assert state.archived_jobs and state.archived_submissions
    kept = {name: getattr(state, name) for name in ("jobs", "submissions")}
    lf.replay(verify=False)
    assert {name: dict(getattr(session.current().runtime.state, name)) for name in kept} == {
        name: dict(table) for name, table in kept.items()
    }


def test_a_restart_reads_back_what_left_memory_and_deletes_it_in_development(workdir: Path) -> None:
    seen = run_workload(keep=1)
    oldest_id = seen["jobs"][0][0]
    session.current().runtime.save_checkpoint(force=True)  # the restart starts from it
    lf.Orchestrator().stop()
    session.close()
    Config._reset()
    configure(keep=1)
    assert lf.get(oldest_id).status is Status.COMPLETED  # a look after the restart: from the checkpoint
    assert [j.id for j in lf.get_jobs()] == [job_id for job_id, _ in seen["jobs"]]
    lf.Orchestrator().run()  # a development run replaces the previous one's entities
    assert lf.get_jobs() == [] and not lf.exists(oldest_id)


def test_views_read_back_are_equal_to_those_kept_in_memory(workdir: Path) -> None:
    run_workload(keep=1)
    runtime = session.current().runtime
    archived = runtime.state.archived_ids("jobs")
    assert archived
    full, _ = rebuild(runtime.store, keep_finished=None)
    for job_id in archived:
        assert runtime.state.jobs[job_id] == full.jobs[job_id]


def test_the_viewer_and_show_read_back_what_left_memory(workdir: Path) -> None:
    pytest.importorskip("starlette", reason="the viewer needs the ui extra")
    from starlette.testclient import TestClient

    from ledgerflow.commands.ui import open_for_viewing
    from ledgerflow.service.viewer.app import create_app

    seen = run_workload(keep=1)
    session.current().runtime.save_checkpoint(force=True)  # what left memory is left out of it too
    lf.Orchestrator().stop()
    session.close()
    oldest_job, oldest_submission = seen["jobs"][0][0], seen["submissions"][0][0]
    with open_for_viewing(workdir / ".ledgerflow", None) as reader, TestClient(create_app(reader)) as client:
        assert oldest_job not in dict.keys(reader.live().state.jobs)
        overview = client.get("/")
        assert overview.status_code == 200 and oldest_submission[-8:] in overview.text
        for path in (f"/job/{oldest_job}", f"/submission/{oldest_submission}"):
            page = client.get(path)
            assert page.status_code == 200 and oldest_job[-8:] in page.text
    shown = CliRunner().invoke(app, ["show", oldest_job])
    assert shown.exit_code == 0 and "COMPLETED" in shown.output


def test_deleting_a_job_and_a_submission_that_left_memory(workdir: Path) -> None:
    seen = run_workload(keep=1)
    old_submission = lf.get(seen["submissions"][0][0])
    old_jobs = [job.id for job in old_submission.jobs]
    lf.delete(old_jobs[0])
    lf.delete(old_submission.id)
    assert not lf.exists(old_jobs[0]) and not lf.exists(old_submission.id) and lf.exists(old_jobs[1])
    assert old_jobs[0] not in {j.id for j in lf.get_jobs()}
    assert old_submission.id not in {s.id for s in lf.get_submissions()}
    assert len(lf.get_jobs()) == 11 and len(lf.get_submissions()) == 5
    assert lf.replay(verify=True).ok


def test_the_past_sees_a_job_that_left_memory(workdir: Path) -> None:
    seen = run_workload(keep=1)
    session.current().runtime.save_checkpoint(force=True)
    past = lf.as_of(session.current().runtime.state.position)
    job = past.get(seen["jobs"][0][0])
    assert job.status is Status.COMPLETED and job.submit_id == seen["submissions"][0][0]
