"""Tables shorten ids to a part that differs, and commands take any unique part (issue 18, item 10)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ledgerflow as lf
from ledgerflow import Config
from ledgerflow.cli import app
from ledgerflow.service import session


def _invoke(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "300"})
    assert result.exit_code == code, result.output
    return result.output


def double(x: int) -> int:
    return 2 * x


@pytest.fixture
def jobs(workdir: Path) -> list[str]:
    """Three jobs of one task, created within the same millisecond or so (experiment version: they persist)."""
    Config.configure_core(mode="experiment", version_number="ids")
    x, y = Config.configure_data_node("x", default_data=1), Config.configure_data_node("y")
    config = Config.configure_scenario("s", [Config.configure_task("double", double, x, y)])
    lf.Orchestrator().run()
    scenario = lf.create_scenario(config)
    ids = [lf.submit(scenario).jobs[0].id for _ in range(3)]
    lf.Orchestrator().stop()
    session.close()
    return ids


def test_the_events_table_tells_jobs_apart(jobs: list[str]) -> None:
    shown = set(re.findall(r"JOB_double_\S+", _invoke("events", "--type", "job.created")))
    assert len(shown) == 3
    wide = _invoke("events", "--type", "job.created", "--wide")
    assert all(job in wide for job in jobs)


def test_a_shortened_id_a_prefix_or_a_suffix_finds_the_entity(jobs: list[str]) -> None:
    job = jobs[1]
    shortened = next(
        s for s in re.findall(r"JOB_double_\S+", _invoke("events", "--type", "job.created")) if s[-8:] in job
    )
    for given in (shortened, job[:-6], job[-12:]):
        assert f"Job {job}" in _invoke("show", given)
        assert job in _invoke("history", given, "--wide")


def test_a_part_that_fits_several_ids_is_refused_with_them(jobs: list[str]) -> None:
    refused = _invoke("show", "JOB_double_", code=1)
    assert "fits 3 ids" in refused and all(job in refused.replace("\n", "") for job in jobs)
