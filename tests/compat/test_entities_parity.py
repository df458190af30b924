"""Entities as Taipy scripts use them: names, properties, per-storage classes, data node helpers,
ids and timing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import ledgerflow as tp
from ledgerflow import Config, Frequency


def plus_one(x: int) -> int:
    return x + 1


def double(x: int) -> int:
    return x * 2


def _scenario_config() -> Any:
    a = Config.configure_data_node("a", default_data=1, team="ops")
    b = Config.configure_data_node("b")
    c = Config.configure_data_node("c", storage_type="json")
    t1 = Config.configure_task("t1", plus_one, a, b)
    t2 = Config.configure_task("t2", double, b, c)
    return Config.configure_scenario("s", [t1, t2], frequency=Frequency.DAILY)


@pytest.fixture
def scenario(tp_workdir: Path) -> Any:
    config = _scenario_config()
    tp.Orchestrator().run()
    return tp.create_scenario(config, name="first")


def test_names_are_settable_and_recorded(scenario: Any) -> None:
    scenario.name = "renamed"
    scenario.a.name = "Input A"
    scenario.cycle.name = "My day"
    again = tp.get(scenario.id)
    assert again.name == "renamed" and again.properties["name"] == "renamed"
    assert again.a.name == "Input A"
    assert again.cycle.name == "My day"
    assert tp.get_label(scenario.a) == "renamed > Input A"


def test_an_attribute_set_on_a_scenario_is_a_property(scenario: Any) -> None:
    scenario.owner = "alice"
    assert tp.get(scenario.id).properties["owner"] == "alice"
    assert scenario.owner == "alice"
    with pytest.raises(tp.exceptions.AttributeKeyAlreadyExisted):
        scenario.t1 = "clash"


def test_data_nodes_are_instances_of_their_storage_class(scenario: Any) -> None:
    assert isinstance(scenario.a, tp.PickleDataNode) and isinstance(scenario.a, tp.DataNode)
    assert isinstance(scenario.c, tp.JSONDataNode)
    assert not isinstance(scenario.c, tp.PickleDataNode)
    assert all(isinstance(dn, tp.DataNode) for dn in tp.get_data_nodes())


def test_is_up_to_date_follows_upstream_writes(scenario: Any) -> None:
    assert not scenario.c.is_up_to_date  # never written
    tp.submit(scenario)
    assert scenario.b.is_up_to_date and scenario.c.is_up_to_date
    scenario.a.write(5)
    assert not scenario.b.is_up_to_date and not scenario.c.is_up_to_date


def test_properties_read_as_attributes_and_readiness_reasons(scenario: Any) -> None:
    assert scenario.a.team == "ops"
    with pytest.raises(AttributeError):
        _ = scenario.a.no_such_property
    assert scenario.t1.b == scenario.b  # a task's data nodes by config id
    assert scenario.is_ready_to_run()
    scenario.a.lock_edit("bob")
    ready = scenario.is_ready_to_run()
    assert not ready and "is being edited" in ready.reasons


def test_filter_track_edit_and_parents(scenario: Any) -> None:
    scenario.a.write([{"x": 1, "y": "a"}, {"x": 2, "y": "b"}, {"x": 3, "y": "b"}])
    op = tp.Operator
    assert scenario.a.filter(("y", "b", op.EQUAL)) == [{"x": 2, "y": "b"}, {"x": 3, "y": "b"}]
    both = [("y", "b", op.EQUAL), ("x", 3, op.LESS_THAN)]
    assert scenario.a.filter(both) == [{"x": 2, "y": "b"}]
    assert scenario.a.filter(both, tp.JoinOperator.OR) == scenario.a.read()
    assert scenario.a[0] == {"x": 1, "y": "a"}
    scenario.a.track_edit(comment="checked by hand", editor_id="bob")
    last = scenario.a.get_last_edit()
    assert last["comment"] == "checked by hand" and last["editor"] == "bob"
    assert scenario.a.read()[0] == {"x": 1, "y": "a"}  # the value is unchanged
    parents = scenario.b.get_parents()
    assert parents["scenario"] == {scenario}
    assert {t.config_id for t in parents["task"]} == {"t1", "t2"}
    assert scenario.t1.get_parents()["scenario"] == {scenario}


def test_id_types_and_timing(scenario: Any) -> None:
    assert tp.ScenarioId(scenario.id) == scenario.id
    assert all(callable(getattr(tp, n)) for n in ("DataNodeId", "TaskId", "JobId", "SubmissionId", "CycleId"))
    submission = tp.submit(scenario)
    assert isinstance(submission.submitted_at, datetime) and isinstance(submission.finished_at, datetime)
    assert submission.execution_duration is not None and submission.execution_duration >= 0
    job = submission.jobs[0]
    assert job.run_at is not None and job.finished_at is not None and job.execution_duration is not None
    assert job.pending_duration is not None and job.pending_duration >= 0
    assert hasattr(job, "is_deletable") and not hasattr(job, "no_such_thing")
    assert bool(job.is_deletable())


def test_statuses_and_scopes_print_as_taipys(scenario: Any) -> None:
    job = tp.submit(scenario).jobs[0]
    assert str(job.status) == "Status.COMPLETED" and job.status == 7
    assert str(tp.Scope.GLOBAL) == "Scope.GLOBAL" and tp.Scope.GLOBAL == 3
    assert f"{tp.Frequency.DAILY}" == "Frequency.DAILY"


def test_entities_that_do_not_exist_raise_taipys_exceptions(scenario: Any) -> None:
    node = scenario.b
    tp.delete(node.id)
    with pytest.raises(tp.exceptions.NonExistingDataNode):
        tp.get(node.id)
    with pytest.raises(tp.exceptions.NonExistingDataNode):
        node.read()
    assert not hasattr(node, "some_property")  # an AttributeError, as hasattr needs
    with pytest.raises(tp.exceptions.NonExistingScenario):
        tp.get("SCENARIO_s_00000000-0000-0000-0000-000000000000")
    with pytest.raises(tp.exceptions.ModelNotFound):
        tp.get("NOT_AN_ID")
