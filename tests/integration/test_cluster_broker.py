"""Cluster mode when the broker gets in the way: dead-lettering, a restart, a consumer timeout.

These change the machine's RabbitMQ for a moment (a restart, a lowered server-wide consumer timeout,
restored after): the tests own that server on this machine and in CI, which runs one test at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster_app import configure, scenario_with
from cluster_support import (
    Cluster,
    cluster_for,
    dead_lettered_messages,
    rabbitmqctl,
    restart_broker,
    submit_then_die,
    wait_for,
)

import ledgerflow as lf
from ledgerflow import Status

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.cluster]


@pytest.fixture
def cluster(postgres_url: str, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cluster]:
    yield from cluster_for(workdir, postgres_url, monkeypatch, LEDGERFLOW_TEST_DELIVERY_LIMIT="1")


def test_a_poison_job_past_its_delivery_limit_is_dead_lettered_then_retried_to_failure(
    cluster: Cluster, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no submitter to retry it, the message goes round the worker until the broker dead-letters it;
    the next start of the application finds the job lost and retries it until it fails for good."""
    cluster.start_worker()
    submission_id = submit_then_die(
        cluster, monkeypatch, "poisoned_retried", {"spec": {"folder": str(workdir)}}, "died-*"
    )
    wait_for(lambda: dead_lettered_messages() == 1, "the broker to dead-letter the message")
    assert len(list(workdir.glob("died-*"))) == 2  # delivered, then redelivered once (the limit): a take-over
    configure()
    lf.Orchestrator().run()  # resumes the submission: the job's worker is gone, its retries go on
    submission = lf.get(submission_id)
    assert submission.wait(120), cluster.logs()
    job = submission.jobs[0]
    assert job.status is Status.FAILED and "worker lost" in (job.status_change_records[-1][2] or ""), job.stacktrace
    runs = [s for s, *_ in job.status_change_records].count(Status.RUNNING)
    assert runs == 4 == len(list(workdir.glob("died-*")))  # one run per attempt: 1 + 3 retries
    assert cluster.workers[0].poll() is None


def test_a_broker_restart_during_a_job_still_records_one_outcome(cluster: Cluster, workdir: Path) -> None:
    cluster.start_worker()
    configure()
    lf.Orchestrator().run()
    submission = lf.submit(scenario_with("slowly", spec={"folder": str(workdir), "name": "b", "seconds": 120}))
    wait_for(lambda: list(workdir.glob("started-b-*")), "the job to start")
    restart_broker()
    wait_for(lambda: cluster.logs().count("] received") == 2, "the message to be delivered again", timeout=60)
    (workdir / "released-b").touch()  # the job ends only now: the broker restarted while it ran
    assert submission.wait(90), cluster.logs()
    job = submission.jobs[0]
    assert job.status is Status.COMPLETED, job.stacktrace
    assert len((workdir / "ran-b").read_text().split()) == 1
    assert [s for s, *_ in job.status_change_records].count(Status.RUNNING) == 1
    after = lf.submit(scenario_with("squares"))  # the worker and the submitter reconnected
    assert after.wait(60), cluster.logs()
    assert after.jobs[0].status is Status.COMPLETED


@pytest.fixture
def short_consumer_timeout() -> Iterator[None]:
    """The broker's consumer timeout lowered to 1 s for new channels, restored after."""
    before = rabbitmqctl("eval", "application:get_env(rabbit, consumer_timeout).").strip()
    rabbitmqctl("eval", "application:set_env(rabbit, consumer_timeout, 1000).")
    try:
        yield
    finally:
        restore = before.removeprefix("{ok,").removesuffix("}") if before.startswith("{ok,") else "1800000"
        rabbitmqctl("eval", f"application:set_env(rabbit, consumer_timeout, {restore}).")


def test_a_job_longer_than_the_consumer_timeout_still_records_one_outcome(
    short_consumer_timeout: None, cluster: Cluster, workdir: Path
) -> None:
    """RabbitMQ checks the timeout once a minute: the job outlives one check, which closes the worker's channel."""
    cluster.start_worker()
    configure()
    lf.Orchestrator().run()
    spec = {"folder": str(workdir), "name": "t", "seconds": 65}
    submission = lf.submit(scenario_with("slowly", spec=spec))
    assert submission.wait(150), cluster.logs()
    job = submission.jobs[0]
    assert job.status is Status.COMPLETED, job.stacktrace
    assert "delivery acknowledgement on channel" in cluster.logs()  # the broker took the message back
    assert len((workdir / "ran-t").read_text().split()) == 1  # ... and its redelivered copy did not run it again
    assert [s for s, *_ in job.status_change_records].count(Status.RUNNING) == 1
