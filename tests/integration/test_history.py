"""``lf.history``: an entity's events in log order, with who, why and for which submission."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pipelines import add, double

import ledgerflow as lf
from ledgerflow import Config, Scope, Status
from ledgerflow.domain import errors


def forecast() -> lf.Scenario:
    """A scenario with an owned input, a GLOBAL rate, and two tasks."""
    sales = Config.configure_data_node("sales", default_data=21)
    rate = Config.configure_data_node("rate", scope=Scope.GLOBAL, default_data=2)
    doubled = Config.configure_data_node("doubled")
    total = Config.configure_data_node("total")
    first = Config.configure_task("double", double, sales, doubled)
    second = Config.configure_task("add", add, [doubled, rate], total)
    return lf.create_scenario(Config.configure_scenario("forecast", [first, second]))


def test_a_data_node_history_shows_every_write_with_who_and_why(running: Path) -> None:
    scenario = forecast()
    scenario.sales.write(50, editor_id="alice", comment="new figures")
    submission = lf.submit(scenario)
    events = lf.history(scenario.doubled)
    assert [e.name for e in events] == ["datanode.created", "datanode.written"]
    written = events[1]
    assert written.entity_id == scenario.doubled.id and written.entity_version == 2
    assert written.correlation_id == submission.id
    assert written.actor == "orchestrator" and written.reason == "job completed"
    assert written.payload["kind"] == "write" and written.payload["job_id"] == submission.jobs[0].id
    assert written.time.tzinfo is not None and abs(written.time - datetime.now(UTC)) < timedelta(minutes=5)
    edits = lf.history(scenario.sales.id)
    assert [e.payload["kind"] for e in edits if e.name == "datanode.written"] == ["default", "write"]
    assert edits[-1].payload["editor_id"] == "alice" and edits[-1].payload["comment"] == "new figures"
    assert edits[-1].correlation_id is None and edits[-1].reason == "data write"


def test_a_scenario_history_includes_what_ran_for_it(running: Path) -> None:
    scenario = forecast()
    submission = lf.submit(scenario)
    events = lf.history(scenario)
    positions = [e.position for e in events]
    assert positions == sorted(positions) and len(set(positions)) == len(positions)
    ids = {e.entity_id for e in events}
    owned = {scenario.id, scenario.sales.id, scenario.doubled.id, scenario.total.id, submission.id}
    owned |= {t.id for t in scenario.tasks.values()} | {j.id for j in submission.jobs}
    assert owned <= ids
    job_statuses = [Status(e.payload["status"]) for e in events if e.name == "job.status_changed"]
    assert job_statuses.count(Status.COMPLETED) == 2
    # the shared rate node: not its creation, which is no one scenario's
    assert scenario.rate.id not in ids
    assert [e.name for e in lf.history(scenario, children=False)] == ["scenario.created"]


def test_writes_to_shared_nodes_show_only_for_the_scenario_whose_job_made_them(running: Path) -> None:
    rate = Config.configure_data_node("rate", scope=Scope.GLOBAL, default_data=1)
    doubled = Config.configure_data_node("rate_doubled", scope=Scope.GLOBAL)
    task = Config.configure_task("double_rate", double, rate, doubled)
    config = Config.configure_scenario("shared", [task])
    first, second = lf.create_scenario(config), lf.create_scenario(config)
    ran = lf.submit(first)
    second.rate.write(5, editor_id="bob")
    lf.submit(second)
    first_writes = [e for e in lf.history(first) if e.entity_id == first.rate_doubled.id]
    assert [e.correlation_id for e in first_writes] == [ran.id]
    assert all(e.payload.get("editor_id") != "bob" for e in lf.history(first))


def test_a_deleted_scenario_keeps_its_history(running: Path) -> None:
    scenario = forecast()
    lf.submit(scenario)
    scenario_id, node_id = scenario.id, scenario.sales.id
    before = lf.history(scenario_id)
    lf.delete(scenario_id)
    assert not lf.exists(scenario_id)
    after = lf.history(scenario_id)
    assert after[: len(before)] == before
    deleted = {e.entity_id for e in after[len(before) :] if e.name.endswith(".deleted")}
    assert {scenario_id, node_id} <= deleted


def test_a_submission_history_holds_its_jobs(running: Path) -> None:
    scenario = forecast()
    submission = lf.submit(scenario)
    events = lf.history(submission.id)
    assert {e.entity_id for e in events} == {submission.id, *(j.id for j in submission.jobs)}
    assert all(e.correlation_id == submission.id for e in events)
    assert lf.history(submission, children=False)[0].name == "submission.created"


def test_a_failed_job_history_keeps_its_reason(running: Path) -> None:
    from pipelines import fail

    source = Config.configure_data_node("source", default_data=1)
    sink = Config.configure_data_node("sink")
    scenario = lf.create_scenario(
        Config.configure_scenario("failing", [Config.configure_task("boom", fail, source, sink)])
    )
    job = lf.submit(scenario).jobs[0]
    statuses = [(Status(e.payload["status"]), e.payload["reason"]) for e in lf.history(job) if e.payload.get("status")]
    assert statuses[-1][0] is Status.FAILED and "cannot handle" in statuses[-1][1]


def test_an_unknown_id_is_a_clear_error(running: Path) -> None:
    with pytest.raises(errors.NonExistingEntity, match=r'No event of "SCENARIO_nope".*ledgerflow events'):
        lf.history("SCENARIO_nope")


def test_history_events_are_json_ready(running: Path) -> None:
    import json

    scenario = forecast()
    lf.submit(scenario)
    for event in lf.history(scenario):
        text = json.dumps(event.as_dict(), default=str)
        assert json.loads(text)["position"] == event.position
