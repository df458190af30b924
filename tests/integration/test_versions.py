"""Application versions in one process: modes, visibility, the latest version, config conflicts.

Each ``runs.start(...)`` starts the application as a new process would (fresh config and
session, the mode chosen through the variables ``ledgerflow run`` sets).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from version_app import Runs, configure_v1, configure_v2

import ledgerflow as lf
from ledgerflow import Config
from ledgerflow.domain.errors import ConflictedConfigurationError, VersionAlreadyExistsAsDevelopment, VersionRefused


@pytest.fixture
def runs(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runs]:
    yield Runs(monkeypatch)


def test_development_runs_replace_the_previous_runs_entities(runs: Runs) -> None:
    assert [runs.start() for _ in range(3)] == [1, 1, 1]
    first = runs.version()
    runs.start()
    assert runs.version() == first  # one development version, reused


def test_experiment_versions_keep_their_entities_and_see_only_their_own(runs: Runs) -> None:
    assert runs.start() == 1
    assert runs.start("experiment", "0.1") == 1
    assert runs.start("experiment", "0.1") == 2
    assert runs.start("experiment") == 1  # a generated version
    generated = runs.version()
    assert generated not in ("0.1", "") and len(generated) == 36
    assert runs.start("experiment", "0.1", create=False) == 2


def test_the_walkthrough_counts_in_production(runs: Runs) -> None:
    runs.start()
    runs.start("experiment")
    runs.start("experiment", "0.1")
    runs.start("experiment", "0.1")
    assert runs.start("production", "0.1") == 3
    assert runs.start("experiment", "1.0") == 1
    assert runs.start("production") == 5  # the latest version (1.0) becomes a production version
    assert runs.version() == "1.0"
    assert runs.start("production", "0.1", create=False) == 5  # both production versions are seen


def test_production_without_a_name_converts_the_latest_run_even_the_development_one(runs: Runs) -> None:
    runs.start("experiment", "1.0")
    runs.start()
    development = runs.version()
    assert runs.start("production") == 2
    assert runs.version() == development
    runs.start()
    assert runs.version() != development  # a fresh development version


def test_an_experiment_cannot_take_the_development_or_a_production_name(runs: Runs) -> None:
    runs.start()
    development = runs.version()
    with pytest.raises(VersionAlreadyExistsAsDevelopment, match="is the development version"):
        runs.start("experiment", development)
    runs.start("production", "1.0")
    with pytest.raises(VersionRefused, match=r"Version number 1\.0 is already a production version"):
        runs.start("experiment", "1.0")


def test_a_conflicting_config_refuses_to_start_and_lists_every_difference(
    runs: Runs, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ledgerflow")
    runs.start("production", "1.0")
    with pytest.raises(ConflictedConfigurationError) as refused:
        runs.start("production", "1.0", configure=configure_v2)
    error = refused.value
    assert isinstance(error, SystemExit) and "--force" in str(error.code)
    assert str(error.code).startswith("\nPlease add a new production version with migration functions.")
    logged = [r for r in caplog.records if r.levelno == logging.ERROR][-1].getMessage().splitlines()
    assert logged == [
        "The configuration for version 1.0 conflicts with the current configuration:",
        '\tDATA_NODE "my_input" has attribute "path" added: input.pkl',
        '\tDATA_NODE "my_output" has attribute "path" added: output.pkl',
        '\tDATA_NODE "my_input" has attribute "default_data" modified: a_string -> A string',
        '\tDATA_NODE "my_input" has attribute "scope" modified: SCENARIO:SCOPE -> GLOBAL:SCOPE',
        '\tDATA_NODE "my_output" has attribute "scope" modified: SCENARIO:SCOPE -> GLOBAL:SCOPE',
        '\tTASK "example_algorithm" has attribute "skippable" modified: False:bool -> True:bool',
    ]
    # nothing was recorded: the version still runs with its first config, and sees one scenario
    assert runs.start("production", "1.0", create=False) == 1
    assert [e.name for e in lf.history("VERSION_1.0")] == ["version.created", "version.started", "version.started"]


def test_an_experiment_conflict_names_the_experiment(runs: Runs) -> None:
    runs.start("experiment", "1.0")
    with pytest.raises(ConflictedConfigurationError, match=r"override the Config of experiment 1\.0"):
        runs.start("experiment", "1.0", configure=configure_v2)


def test_force_records_the_new_config_with_a_warning(runs: Runs, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="ledgerflow")
    runs.start("production", "1.0")
    assert runs.start("production", "1.0", force=True, configure=configure_v2) == 2
    messages = [r.getMessage() for r in caplog.records]
    assert "Option --force is detected, overriding the configuration of version 1.0 ..." in messages
    assert "Version 1.0 is already a production version." in messages
    recorded = [e for e in lf.history("VERSION_1.0") if e.name == "version.config_recorded"]
    assert len(recorded) == 1 and recorded[0].payload["forced"] is True
    assert runs.start("production", "1.0", configure=configure_v2, create=False) == 2  # no conflict any more


def test_job_and_migration_changes_are_not_conflicts(runs: Runs, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="ledgerflow")
    runs.start("experiment", "1.0")

    def with_workers() -> Any:
        Config.configure_job_executions(mode="development", max_nb_of_workers=4)
        return configure_v1()

    assert runs.start("experiment", "1.0", configure=with_workers) == 2
    assert any("There are non-conflicting changes" in r.getMessage() for r in caplog.records)
    assert any('JOB "max_nb_of_workers" was' in r.getMessage() for r in caplog.records)


def test_every_step_of_a_version_is_an_event(runs: Runs) -> None:
    runs.start("experiment", "1.0")
    runs.start("production", "1.0", force=True, configure=configure_v2)
    names = [e.name for e in lf.history("VERSION_1.0")]
    assert names == [
        "version.created",
        "version.started",
        "version.config_recorded",
        "version.mode_changed",
        "version.started",
    ]
