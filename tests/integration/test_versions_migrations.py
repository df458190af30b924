"""Migration functions: entities of older production versions brought up to the one starting."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import version_app as app
from version_app import Runs

import ledgerflow as lf
from ledgerflow import Config, Scope
from ledgerflow.domain.errors import MigrationFailed, NonExistingEntity, VersionRefused


@pytest.fixture
def runs(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runs]:
    yield Runs(monkeypatch)


def v2(*registrations: Callable[[], None]) -> Callable[[], Any]:
    """The changed config, with migration functions registered by ``registrations``."""

    def configure() -> Any:
        scenario_config = app.configure_v2()
        for register in registrations:
            register()
        return scenario_config

    return configure


def june(runs: Runs) -> lf.Scenario:
    """Production 1.0 with two scenarios; the second is named June."""
    runs.start("production", "1.0")
    runs.start("production", "1.0", create=False)
    return lf.create_scenario(Config.scenarios["my_scenario"], name="June")


def test_migration_functions_bring_the_june_scenario_up_to_2_0(runs: Runs) -> None:
    june_id = june(runs).id
    assert runs.start("production", "2.0", configure=v2(app.add_migrations)) == 3
    scenario = lf.get(june_id)
    assert scenario.version == "2.0"
    assert scenario.my_input.scope is Scope.GLOBAL and scenario.my_output.scope is Scope.GLOBAL
    assert scenario.example_algorithm.skippable is True
    assert {n.version for n in lf.get_data_nodes()} | {t.version for t in lf.get_tasks()} == {"2.0"}
    assert scenario.my_input.read() == "a_string"  # the data is untouched
    assert scenario.my_input.path != "input.pkl"  # the path was not migrated


def test_each_application_is_an_event_naming_the_function_the_values_and_the_versions(runs: Runs) -> None:
    scenario_id = june(runs).id
    runs.start("production", "2.0", configure=v2(app.add_migrations))
    scenario = lf.get(scenario_id)
    node_events = [e for e in lf.history(scenario.my_input, children=False) if e.name == "datanode.migrated"]
    assert [e.payload for e in node_events] == [
        {
            "function": "version_app.migrate_datanode_scope",
            "registered_for": "2.0",
            "changes": {"scope": {"old": 1, "new": 3}},
            "from_version": "1.0",
            "to_version": "2.0",
        }
    ]
    task_event = next(e for e in lf.history(scenario.example_algorithm) if e.name == "task.migrated")
    assert task_event.payload["changes"] == {"skippable": {"old": False, "new": True}}
    moved = next(e for e in lf.history(scenario, children=False) if e.name == "scenario.migrated")
    assert moved.payload["function"] is None and moved.payload["to_version"] == "2.0"
    version_events = [e for e in lf.history("VERSION_2.0") if e.name == "version.migrated"]
    assert [e.payload for e in version_events] == [
        {
            "from_version": "1.0",
            "functions": {
                "my_input": ["version_app.migrate_datanode_scope"] * 2,
                "my_output": ["version_app.migrate_datanode_scope"] * 2,
                "example_algorithm": ["version_app.migrate_skippable_task"] * 2,
            },
            "entities": 8,
        }
    ]


def test_without_migration_functions_the_old_entities_stay_and_the_log_says_so(
    runs: Runs, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ledgerflow")
    scenario_id = june(runs).id
    assert runs.start("production", "2.0", configure=v2()) == 3
    message = 'There is no migration function from production version "1.0" to version "2.0".'
    assert message in [r.getMessage() for r in caplog.records]
    scenario = lf.get(scenario_id)
    assert scenario.version == "1.0" and scenario.my_input.scope is Scope.SCENARIO
    # adding the functions later migrates at the next start of 2.0 (a non-conflicting config change)
    runs.start("production", "2.0", configure=v2(app.add_migrations), create=False)
    assert lf.get(scenario_id).version == "2.0" and lf.get(scenario_id).my_output.scope is Scope.GLOBAL


def test_a_failing_migration_function_stops_the_start_and_records_nothing(runs: Runs) -> None:
    scenario_id = june(runs).id

    def broken() -> None:
        app.add_migrations()
        Config.add_migration_function("2.0", "my_output", app.broken_migration)

    with pytest.raises(MigrationFailed) as failed:
        runs.start("production", "2.0", configure=v2(broken))
    message = str(failed.value)
    assert 'Migration function "version_app.broken_migration" failed on DATANODE_my_output_' in message
    assert "ValueError: the migration of this node is broken" in message and "version_app.py:" in message
    assert isinstance(failed.value, SystemExit)
    runs.start("production", "1.0", create=False)
    with pytest.raises(NonExistingEntity):
        lf.history("VERSION_2.0")  # not even the version was recorded
    scenario = lf.get(scenario_id)
    assert scenario.version == "1.0" and scenario.my_input.scope is Scope.SCENARIO
    assert not [e for e in lf.history(scenario) if e.name.endswith(".migrated")]


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (app.forgetful_migration, "returned None"),
        (app.writing_migration, "cannot write data or run commands"),
    ],
)
def test_a_migration_function_must_return_the_entity_and_cannot_write(
    runs: Runs, function: Callable[[Any], Any], expected: str
) -> None:
    june(runs)
    with pytest.raises(MigrationFailed, match=expected):
        runs.start(
            "production", "2.0", configure=v2(lambda: Config.add_migration_function("2.0", "my_input", function))
        )


def test_functions_chain_across_production_versions_in_order(runs: Runs) -> None:
    scenario_id = june(runs).id
    runs.start("production", "2.0", create=False)  # no function: 1.0 entities stay
    assert lf.get(scenario_id).version == "1.0"

    def chained() -> None:
        Config.add_migration_function("2.0", "my_input", app.label_input)
        Config.add_migration_function("3.0", "my_input", app.migrate_datanode_scope)
        Config.add_migration_function("3.0", "my_input", app.label_input)  # replaces the previous one for 3.0
        Config.add_migration_function("3.0", "my_scenario", app.tag_scenario_migrated)

    runs.start("production", "3.0", configure=chained, create=False)
    scenario = lf.get(scenario_id)
    assert scenario.version == "3.0"
    assert scenario.my_input.properties["label"] == "+SCENARIO+SCENARIO"  # 2.0's function, then 3.0's
    assert scenario.tags == {"migrated"} and scenario.properties["migrated"] is True
    functions = [e.payload["registered_for"] for e in lf.history(scenario.my_input) if e.name == "datanode.migrated"]
    assert functions == ["2.0", "3.0"]
    assert lf.replay().differences == []  # a rebuild from the log folds the migrations the same way


def test_migration_functions_for_a_version_that_is_not_production_are_refused(runs: Runs) -> None:
    runs.start("production", "1.0")
    with pytest.raises(VersionRefused, match=r'target version "3\.0", which is not a production version'):
        runs.start("production", "2.0", configure=v2(lambda: app.add_migrations("3.0")))


def test_experiment_runs_ignore_migration_functions(runs: Runs) -> None:
    runs.start("production", "1.0")
    assert runs.start("experiment", "2.0", configure=v2(app.add_migrations)) == 1


def test_a_migrated_global_node_is_shared_by_the_new_versions_scenarios(runs: Runs) -> None:
    runs.start("production", "1.0", configure=app.configure_v2)
    old_node = lf.get_scenarios()[0].my_input.id
    runs.start("production", "2.0", configure=v2(app.add_migrations))
    assert {s.my_input.id for s in lf.get_scenarios()} == {old_node}
