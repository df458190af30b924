"""Cluster mode against the real RabbitMQ and PostgreSQL of this machine, workers as subprocesses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cluster_app import configure, scenario_with
from cluster_support import Cluster, cluster_for

import ledgerflow as lf
from ledgerflow import Config, Status, SubmissionStatus

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


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
    started = [why for s, _, why in job.status_change_records if s is Status.RUNNING][0]
    assert started is not None and started.startswith("started by worker ")
