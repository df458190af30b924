"""Taipy's entity checks (ReasonCollection), set, delete_jobs, get_label and subscriptions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ledgerflow as tp
from ledgerflow import Config, Frequency, Scope

CALLS: list[tuple[str, str]] = []


def plus_one(x: int) -> int:
    return x + 1


def on_job(scenario: Any, job: Any) -> None:
    CALLS.append((scenario.id, job.status.name))


@pytest.fixture
def config(tp_workdir: Path) -> Any:
    a = Config.configure_data_node("a")
    b = Config.configure_data_node("b")
    config = Config.configure_scenario("s", [Config.configure_task("t", plus_one, a, b)], frequency=Frequency.DAILY)
    Config.configure_data_node("local")
    Config.configure_data_node("shared", scope=Scope.GLOBAL)
    tp.Orchestrator().run()
    return config


def test_is_submittable_gives_the_reasons_and_clears_them(config: Any) -> None:
    scenario = tp.create_scenario(config)
    answer = tp.is_submittable(scenario)
    assert not answer and scenario.a.id in answer.reasons and "is not written" in answer.reasons
    scenario.a.lock_edit("alice")
    assert "is being edited" in tp.is_submittable(scenario.t).reasons
    assert not tp.is_editable(scenario.a)
    scenario.a.unlock_edit("alice")
    scenario.a.write(1)
    assert tp.is_submittable(scenario) and tp.is_submittable(scenario.t.id)
    assert tp.is_submittable(scenario).reasons == ""
    assert not tp.is_submittable(scenario.a)  # a data node is not submitted


def test_readable_editable_deletable_promotable(config: Any) -> None:
    first = tp.create_scenario(config)
    second = tp.create_scenario(config)
    assert tp.is_readable(first) and tp.is_editable(first)
    assert not tp.is_readable("SCENARIO_s_missing")
    assert not tp.is_deletable(first)  # the primary scenario of a cycle with another scenario
    assert "primary" in tp.is_deletable(first).reasons
    assert tp.is_deletable(second) and second.is_deletable()
    assert not tp.is_promotable(first) and tp.is_promotable(second)
    tp.set_primary(second)
    assert tp.is_deletable(first)


def test_can_create(config: Any) -> None:
    assert tp.can_create(config) and tp.can_create()
    answer = tp.can_create(Config.data_nodes["local"])
    assert not answer and "GLOBAL" in answer.reasons
    assert tp.can_create(Config.data_nodes["shared"])
    assert not tp.can_create(Config.tasks["t"])


def test_set_delete_jobs_and_labels(config: Any) -> None:
    scenario = tp.create_scenario(config, name="June")
    scenario.a.write(1)
    tp.set(scenario)
    tp.submit(scenario)
    tp.submit(scenario, force=True)
    assert len(tp.get_jobs()) == 2
    tp.delete_jobs()
    assert tp.get_jobs() == []
    assert tp.get_label(scenario) == "June"
    assert tp.get_label(scenario.t) == "June > t"
    tp.delete(scenario.id)
    with pytest.raises(tp.exceptions.NonExistingScenario):
        tp.set(scenario)


def test_scenario_subscribe_and_unsubscribe(config: Any) -> None:
    CALLS.clear()
    scenario = tp.create_scenario(config)
    scenario.a.write(1)
    scenario.subscribe(on_job)
    tp.submit(scenario)
    assert (scenario.id, "COMPLETED") in CALLS
    CALLS.clear()
    scenario.unsubscribe(on_job)
    tp.submit(scenario, force=True)
    assert CALLS == []


def test_exceptions_have_taipys_names() -> None:
    names = [
        "NonExistingScenario",
        "NonExistingDataNode",
        "NonExistingTask",
        "NonExistingCycle",
        "NonExistingJob",
        "NonExistingSequence",
        "NonExistingVersion",
        "MissingRequiredProperty",
        "NoData",
        "InvalidConfigurationId",
        "ModelNotFound",
        "InvalidScenario",
        "InvalidSequence",
        "DeletingPrimaryScenario",
        "DoesNotBelongToACycle",
        "DataNodeIsBeingEdited",
        "DataNodeConfigIsNotGlobal",
        "DataNodeWritingError",
        "JobNotDeletedException",
        "SubmissionNotDeletedException",
        "OrchestratorServiceIsAlreadyRunning",
        "ModeNotAvailable",
        "ConflictedConfigurationError",
        "VersionAlreadyExistsAsDevelopment",
        "ConfigCoreVersionMismatched",
        "InsufficientScenarioToCompare",
        "DifferentScenarioConfigs",
        "NonExistingComparator",
        "UnauthorizedTagError",
        "SequenceAlreadyExists",
        "SequenceTaskDoesNotExistInScenario",
        "AttributeKeyAlreadyExisted",
        "ConfigurationUpdateBlocked",
        "MissingEnvVariableError",
        "InconsistentEnvVariableError",
        "LoadingError",
        "InvalidEventAttributeName",
        "InvalidEventOperation",
        "NonExistingScenarioConfig",
        "InvalidExposedType",
    ]
    missing = [n for n in names if not isinstance(getattr(tp.exceptions, n, None), type)]
    assert missing == []
    assert issubclass(tp.exceptions.NonExistingScenario, tp.exceptions.ModelNotFound)


def test_taipys_deprecated_clean_alias_warns(config: Any) -> None:
    tp.create_scenario(config)
    version = tp.get_scenarios()[0].version
    with pytest.warns(DeprecationWarning):
        assert tp.clean_all_entities_by_version(version)
    assert tp.get_scenarios() == []


def test_creation_refuses_what_taipy_refuses(tp_workdir: Path) -> None:
    table = Config.configure_data_node("table", storage_type="sql_table", db_name="db", db_engine="sqlite")
    out = Config.configure_data_node("out")
    needs_table = Config.configure_scenario("needs_table", [Config.configure_task("read", plus_one, table, out)])
    t1 = Config.configure_task("t1", plus_one, Config.configure_data_node("x"), Config.configure_data_node("y"))
    t2 = Config.configure_task("t2", plus_one, Config.data_nodes["y"], Config.configure_data_node("z"))
    stray = Config.configure_scenario("stray", [t1], sequences={"seq": [t2]})
    with pytest.raises(tp.exceptions.MissingRequiredProperty, match="table_name"):
        tp.create_scenario(needs_table)
    with pytest.raises(tp.exceptions.SequenceTaskConfigDoesNotExistInSameScenarioConfig):
        tp.create_scenario(stray)
    assert tp.get_scenarios() == []


def test_mongo_default_document_holds_fields_as_attributes() -> None:
    document = tp.MongoDefaultDocument(name="a", value=1)
    assert (document.name, document.value) == ("a", 1)
    assert document == tp.MongoDefaultDocument(name="a", value=1)
