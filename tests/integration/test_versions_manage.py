"""``ledgerflow manage-versions``: list, rename, compare, delete and leave production."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner
from version_app import Runs, configure_v2

import ledgerflow as lf
from ledgerflow.cli import app


@pytest.fixture
def runs(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runs]:
    yield Runs(monkeypatch)


def manage(*args: str) -> tuple[int, str]:
    """Run ``ledgerflow manage-versions ARGS``: its exit code and output."""
    result = CliRunner().invoke(app, ["manage-versions", *args])
    return result.exit_code, result.output


def listing() -> list[list[str]]:
    """The rows of ``--list`` split in columns (the header first)."""
    code, output = manage("--list")
    assert code == 0, output
    return [[cell.strip() for cell in line.split("   ") if cell.strip()] for line in output.splitlines()]


def test_the_list_shows_every_version_newest_first_with_the_latest_marked(runs: Runs) -> None:
    runs.start()
    development = runs.version()
    runs.start("experiment", "0.1")
    runs.start("production", "1.0")
    runs.start("experiment", "0.2")
    runs.stop()
    rows = listing()
    assert rows[0] == ["Version number", "Mode", "Creation date"]
    assert [row[:2] for row in rows[1:]] == [
        ["0.2", "Experiment (latest)"],
        ["1.0", "Production"],
        ["0.1", "Experiment"],
        [development, "Development"],
    ]
    assert all(len(row[2]) == len("2026-01-25 12:24:19") for row in rows[1:])


def test_without_a_log_the_list_is_empty_and_changes_fail(workdir: Path) -> None:
    assert listing() == [["Version number", "Mode", "Creation date"]]
    code, output = manage("--delete", "1.0")
    assert code == 1 and "Version '1.0' does not exist" in output
    assert not (workdir / ".ledgerflow").exists()


def test_exactly_one_action_is_required(workdir: Path) -> None:
    code, output = manage()
    assert code == 2 and "Choose one of --list" in output
    assert manage("--list", "--delete", "1.0")[0] == 2


def test_rename_moves_the_entities_and_frees_the_old_name(runs: Runs) -> None:
    runs.start("experiment", "1.0", configure=configure_v2)  # GLOBAL nodes, shared by the version's scenarios
    runs.start("experiment", "1.0", configure=configure_v2)
    shared = {s.my_input.id for s in lf.get_scenarios()}
    runs.stop()
    assert manage("--rename", "1.0", "1.1") == (0, "Successfully renamed version '1.0' to '1.1'.\n")
    assert [row[0] for row in listing()[1:]] == ["1.1"]
    assert runs.start("experiment", "1.1", configure=configure_v2) == 3
    assert {s.my_input.id for s in lf.get_scenarios()} == shared  # the renamed GLOBAL node is still shared
    assert {s.version for s in lf.get_scenarios()} == {"1.1"}
    assert runs.start("experiment", "1.0", configure=configure_v2) == 1  # a new version under the old name
    assert [e.name for e in lf.history("VERSION_1.0")][-3:] == ["version.renamed", "version.revived", "version.started"]
    assert lf.replay().differences == []
    runs.stop()
    assert manage("--rename", "1.0", "1.1") == (1, "Version name '1.1' is already used.\n")
    assert manage("--rename", "nope", "2.0") == (1, "Version 'nope' does not exist.\n")


def test_rename_keeps_a_production_version_in_production(runs: Runs) -> None:
    runs.start("production", "1.0")
    runs.start("experiment", "2.0")
    runs.stop()
    assert manage("--rename", "1.0", "1.5")[0] == 0
    assert [row[:2] for row in listing()[1:]] == [["2.0", "Experiment (latest)"], ["1.5", "Production"]]
    assert runs.start("production", "3.0") == 2


def test_compare_config_lists_the_differences(runs: Runs) -> None:
    runs.start("experiment", "1.0")
    runs.start("experiment", "2.0", configure=configure_v2)
    runs.stop()
    code, output = manage("--compare-config", "1.0", "2.0")
    assert code == 0
    assert output.splitlines()[0] == "Differences between version 1.0 Configuration and version 2.0 Configuration:"
    assert '\tDATA_NODE "my_input" has attribute "scope" modified: SCENARIO:SCOPE -> GLOBAL:SCOPE' in output
    assert len(output.splitlines()) == 7
    same = "There is no difference between version 1.0 Configuration and version 1.0 Configuration.\n"
    assert manage("--compare-config", "1.0", "1.0") == (0, same)
    assert manage("--compare-config", "1.0", "9.9") == (1, "Version '9.9' does not exist.\n")


def test_delete_removes_the_version_and_its_entities(runs: Runs) -> None:
    runs.start("experiment", "1.0")
    runs.start("experiment", "1.0")
    runs.stop()
    assert manage("--delete", "1.0") == (0, "Successfully delete version 1.0.\n")
    assert listing()[1:] == []
    assert runs.start("experiment", "1.0") == 1
    message = "Version 'nope' does not exist. Abort cleaning the entities of version 'nope'.\n"
    runs.stop()
    assert manage("-d", "nope") == (1, message)


def test_delete_production_makes_it_an_experiment_version_again(runs: Runs) -> None:
    runs.start("production", "0.1")
    runs.start("production", "1.0")
    runs.stop()
    done = "Successfully delete version 0.1 from the production version list.\n"
    assert manage("--delete-production", "0.1") == (0, done)
    assert [row[:2] for row in listing()[1:]] == [["1.0", "Production (latest)"], ["0.1", "Experiment"]]
    assert runs.start("production", "1.0", create=False) == 1  # 0.1's scenario is no longer seen
    assert [e.name for e in lf.history("VERSION_0.1")][-1] == "version.mode_changed"
    runs.stop()
    assert manage("-dp", "0.1") == (1, "Version '0.1' is not a production version.\n")


def test_a_demoted_version_can_run_as_an_experiment_again(runs: Runs) -> None:
    runs.start("production", "1.0")
    runs.stop()
    assert manage("--delete-production", "1.0")[0] == 0
    assert runs.start("experiment", "1.0") == 2
