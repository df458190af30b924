"""Cluster mode against the real RabbitMQ and PostgreSQL of this machine, workers as subprocesses."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster_app import configure, scenario_with
from cluster_support import (
    Cluster,
    close_broker_connections,
    cluster_for,
    queued_messages,
    submit_then_die,
    wait_for,
)

import ledgerflow as lf
from ledgerflow import Config, Status, SubmissionStatus
from ledgerflow.domain.errors import ConfigurationError
from ledgerflow.executor.cluster.settings import config_fingerprint

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.cluster]


@pytest.fixture
def cluster(postgres_url: str, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cluster]:
    yield from cluster_for(workdir, postgres_url, monkeypatch)


def test_a_worker_runs_the_job_and_records_its_transitions(cluster: Cluster) -> None:
    cluster.start_worker()
    configure()
    lf.Orchestrator().run()
    scenario = scenario_with("squares")
    submission = lf.submit(scenario)
    assert submission.wait(30), cluster.logs()
    assert submission.submission_status is SubmissionStatus.COMPLETED
    assert scenario.y.read() == 9
    job = submission.jobs[0]
    statuses = [s for s, *_ in job.status_change_records]
    assert statuses == [Status.SUBMITTED, Status.PENDING, Status.RUNNING, Status.COMPLETED]
    started = next(why for s, _, why in job.status_change_records if s is Status.RUNNING)
    assert started is not None and started.startswith("started by worker ")


def test_two_workers_run_independent_branches_at_once(cluster: Cluster, workdir: Path) -> None:
    cluster.start_worker(wait=False)
    cluster.start_worker(wait=False)
    configure()
    lf.Orchestrator().run()
    for worker in cluster.workers:
        cluster.wait_ready(worker)
    spec = {"folder": str(workdir), "parties": 2}
    scenario = scenario_with("pair", a_spec={**spec, "name": "a"}, b_spec={**spec, "name": "b"})
    submission = lf.submit(scenario)
    assert submission.wait(60), cluster.logs()
    assert (scenario.a_out.read(), scenario.b_out.read()) == ("a", "b")  # each waited for the other: at once


def test_a_worker_killed_mid_job_leads_to_one_recorded_outcome(cluster: Cluster, workdir: Path) -> None:
    doomed = cluster.start_worker(new_session=True)
    configure()
    lf.Orchestrator().run()
    scenario = scenario_with("slowly", spec={"folder": str(workdir), "name": "s", "seconds": 1.5})
    submission = lf.submit(scenario)
    wait_for(lambda: list(workdir.glob("started-s-*")), "the job to start")
    os.killpg(doomed.pid, signal.SIGKILL)  # the worker and its pool processes, mid-job
    cluster.start_worker()
    assert submission.wait(60), cluster.logs()
    job = submission.jobs[0]
    assert job.status is Status.COMPLETED, job.stacktrace
    assert len((workdir / "ran-s").read_text().split()) == 1  # ran to its end once
    reasons = [why or "" for s, _, why in job.status_change_records if s is Status.PENDING]
    assert reasons[-1].startswith("retry 1 of 1 after: worker lost")


def test_a_poison_job_ends_failed_instead_of_looping(cluster: Cluster, workdir: Path) -> None:
    cluster.start_worker()
    configure()
    lf.Orchestrator().run()
    submission = lf.submit(scenario_with("poisoned", spec={"folder": str(workdir)}))
    assert submission.wait(60), cluster.logs()
    job = submission.jobs[0]
    assert job.status is Status.FAILED and "worker lost" in (job.status_change_records[-1][2] or "")
    assert len(list(workdir.glob("died-*"))) == 1  # the redelivery did not run it again
    assert cluster.workers[0].poll() is None  # the worker itself lives on


def test_a_worker_with_another_config_fails_the_job_naming_both(cluster: Cluster) -> None:
    cluster.start_worker(variant="other")
    configure()
    lf.Orchestrator().run()
    submission = lf.submit(scenario_with("squares"))
    assert submission.wait(30), cluster.logs()
    job = submission.jobs[0]
    reason = job.status_change_records[-1][2] or ""
    assert job.status is Status.FAILED and reason.startswith("config mismatch"), reason
    assert config_fingerprint() in reason


def test_cancel_a_queued_job_drops_its_message(cluster: Cluster, workdir: Path) -> None:
    configure()
    lf.Orchestrator().run()
    submission = lf.submit(scenario_with("slowly", spec={"folder": str(workdir), "name": "q", "seconds": 0}))
    job = submission.jobs[0]
    wait_for(lambda: queued_messages() == 1, "the job to be queued")
    lf.cancel_job(job)
    assert job.status is Status.CANCELED
    cluster.start_worker()
    wait_for(lambda: "dropped" in cluster.logs(), "the worker to drop the message")
    assert not list(workdir.glob("started-q-*")) and submission.jobs[0].status is Status.CANCELED


def test_cancel_a_running_job_kills_its_worker_process(cluster: Cluster, workdir: Path) -> None:
    cluster.start_worker()
    configure()
    lf.Orchestrator().run()
    submission = lf.submit(scenario_with("slowly", spec={"folder": str(workdir), "name": "r", "seconds": 60}))
    wait_for(lambda: list(workdir.glob("started-r-*")), "the job to start")
    pid = int(next(workdir.glob("started-r-*")).name.rsplit("-", 1)[1])
    lf.cancel_job(submission.jobs[0])
    assert submission.jobs[0].status is Status.CANCELED
    wait_for(lambda: not _alive(pid), "the job's process to be killed", timeout=10)
    assert not (workdir / "ran-r").exists()


def test_a_job_no_worker_takes_is_reported_after_queued_timeout(
    postgres_url: str, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in cluster_for(workdir, postgres_url, monkeypatch, LEDGERFLOW_TEST_QUEUED_TIMEOUT="1"):
        configure()
        lf.Orchestrator().run()
        submission = lf.submit(scenario_with("squares"))
        assert submission.wait(20)
        job = submission.jobs[0]
        assert job.status is Status.FAILED and "queued_timeout" in (job.status_change_records[-1][2] or "")


def test_cluster_mode_on_the_sqlite_default_fails_at_start_in_one_line(workdir: Path) -> None:
    Config.configure_job_executions(mode="cluster")
    with pytest.raises(ConfigurationError) as raised:
        lf.Orchestrator().run()
    assert "PostgreSQL" in str(raised.value) and "\n" not in str(raised.value)
    assert not (workdir / ".ledgerflow" / "events.db").exists()  # nothing recorded


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_outcome_survives_a_killed_submitter_and_the_next_start_sees_it(
    cluster: Cluster, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster.start_worker()
    spec = {"folder": str(workdir), "name": "k", "seconds": 1.5}
    submission_id = submit_then_die(cluster, monkeypatch, "slowly", {"spec": spec}, "started-k-*")
    wait_for(lambda: (workdir / "ran-k").exists(), "the worker to finish the job")
    configure()
    lf.Orchestrator().run()  # resumes the submission: follows its job, which a worker ran
    submission = lf.get(submission_id)
    assert submission.wait(30), cluster.logs()
    assert submission.submission_status is SubmissionStatus.COMPLETED
    assert submission.jobs[0].status is Status.COMPLETED
    assert len((workdir / "ran-k").read_text().split()) == 1


def test_sigterm_lets_a_worker_finish_its_job_then_stop(cluster: Cluster, workdir: Path) -> None:
    worker = cluster.start_worker()
    configure()
    lf.Orchestrator().run()
    submission = lf.submit(scenario_with("slowly", spec={"folder": str(workdir), "name": "t", "seconds": 1}))
    wait_for(lambda: list(workdir.glob("started-t-*")), "the job to start")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(30) == 0
    assert submission.wait(10), cluster.logs()
    assert submission.jobs[0].status is Status.COMPLETED


def test_a_cut_broker_connection_during_a_job_still_records_one_outcome(cluster: Cluster, workdir: Path) -> None:
    worker = cluster.start_worker()
    configure()
    lf.Orchestrator().run()
    submission = lf.submit(scenario_with("slowly", spec={"folder": str(workdir), "name": "c", "seconds": 120}))
    wait_for(lambda: list(workdir.glob("started-c-*")), "the job to start")
    assert close_broker_connections(worker.pid) > 0  # the message goes back to the queue, redelivered
    wait_for(lambda: cluster.logs().count("] received") == 2, "the message to be delivered again")
    (workdir / "released-c").touch()  # the job ends only now: its connection was cut while it ran
    assert submission.wait(60), cluster.logs()
    job = submission.jobs[0]
    assert job.status is Status.COMPLETED, job.stacktrace
    assert len((workdir / "ran-c").read_text().split()) == 1  # the redelivered copy did not run it again
    assert [s for s, *_ in job.status_change_records].count(Status.RUNNING) == 1
    wait_for(lambda: "dropped" in cluster.logs(), "the redelivered message to be dropped")
