"""A data node's older writes leave memory past the horizon and read back from the log unchanged."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from backends import BACKENDS
from pipelines import double

import ledgerflow as lf
from ledgerflow import Config
from ledgerflow.domain.errors import EventStoreError
from ledgerflow.service import session


@pytest.fixture(params=BACKENDS)
def event_store_url(request: pytest.FixtureRequest) -> str | None:
    """Every test of this module runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("postgres_url")
    return url


def configure(keep: int | None) -> Any:
    Config.configure_job_executions(mode="development", keep_finished_jobs=keep)
    a = Config.configure_data_node("a", default_data=3)
    b = Config.configure_data_node("b")
    return Config.configure_scenario("s", [Config.configure_task("t", double, a, b)])


def run_workload(keep: int | None) -> lf.Scenario:
    """Six writes of ``a`` by an editor (after its default) and six of ``b`` by jobs."""
    config = configure(keep)
    lf.Orchestrator().run()
    scenario = lf.create_scenario(config)
    for value in range(6):
        scenario.a.write(value * 10, editor_id="alice", comment=f"write {value}", source="erp")
        lf.submit(scenario, wait=True)
    return scenario


def public_history(scenario: lf.Scenario) -> dict[str, Any]:
    """Everything the public API shows of the nodes' writes."""
    a, b = scenario.a, scenario.b
    times = [edit["timestamp"] for edit in a.edits]
    return {
        "a edits": a.edits,
        "b edits": b.edits,
        "b job ids": b.job_ids,
        "a versions": [a.read(version=n) for n in range(1, len(a.edits) + 1)],
        "a as of each write": [a.read(as_of=moment) for moment in times],
        "b last edit": b.get_last_edit(),
        "a now": a.read(),
    }


def test_older_writes_leave_memory_and_read_back_through_the_public_api(workdir: Path) -> None:
    scenario = run_workload(keep=1)
    seen = public_history(scenario)
    view = session.current().runtime.state.data_nodes[scenario.a.id]
    assert len(view.edits.recent) == 1 and len(view.edits) == 7  # the default and six writes; one in memory
    assert [e["kind"] for e in seen["a edits"]] == ["default", *["write"] * 6]
    assert [e["comment"] for e in seen["a edits"]][1:3] == ["write 0", "write 1"]
    assert seen["a edits"][1]["source"] == "erp" and seen["a edits"][1]["editor"] == "alice"
    assert seen["a versions"] == [3, 0, 10, 20, 30, 40, 50] == seen["a as of each write"]
    assert len(seen["b edits"]) == 6 and len(seen["b job ids"]) == 6
    assert seen["b job ids"] == [j.id for j in lf.get_jobs()]


def test_a_process_keeping_every_write_shows_the_same(workdir: Path) -> None:
    with_horizon = public_history(run_workload(keep=1))
    lf.Orchestrator().stop()
    session.close()
    Config._reset()
    configure(keep=None)  # the same store opened again, every write kept in memory
    scenario = lf.get_scenarios()[0]
    assert session.current().runtime.state.data_nodes[scenario.a.id].edits.in_memory
    assert public_history(scenario) == with_horizon


def test_a_restart_from_a_checkpoint_reads_the_older_writes_from_the_log(workdir: Path) -> None:
    scenario = run_workload(keep=1)
    seen = public_history(scenario)
    session.current().runtime.save_checkpoint(force=True)  # holds the count and the last write of each node
    lf.Orchestrator().stop()
    session.close()
    Config._reset()
    configure(keep=1)
    again = lf.get(scenario.id)
    assert not session.current().runtime.state.data_nodes[again.a.id].edits.in_memory
    assert public_history(again) == seen


def test_the_past_shows_older_writes_that_left_memory(workdir: Path) -> None:
    scenario = run_workload(keep=1)
    runtime = session.current().runtime
    runtime.save_checkpoint(force=True)
    positions = [e.position for e in runtime.store.events_of(scenario.a.id) if e.topic.endswith("written")]
    then = lf.as_of(positions[3])  # after the third editor write
    assert then.get(scenario.id).a.read() == 20 and len(then.get(scenario.a.id).edits) == 4
    now = lf.as_of(runtime.state.position)
    now.get_scenarios(tag="none")  # a filtered listing: the view folds its complete state (from the checkpoint)
    assert [e["hash"] for e in now.get(scenario.a.id).edits] == [e["hash"] for e in scenario.a.edits]
    assert now.get(scenario.a.id).read(version=2) == 0 and len(now.get_jobs()) == 6


def test_a_live_state_bounding_writes_equals_its_replay(workdir: Path) -> None:
    run_workload(keep=1)
    report = lf.replay(verify=True)
    assert report.ok, report.differences


def test_the_viewer_and_show_list_writes_that_left_memory(workdir: Path) -> None:
    pytest.importorskip("starlette", reason="the viewer needs the ui extra")
    from starlette.testclient import TestClient
    from typer.testing import CliRunner

    from ledgerflow.cli import app
    from ledgerflow.commands.ui import open_for_viewing
    from ledgerflow.service.viewer.app import create_app

    scenario = run_workload(keep=1)
    hashes = [e["hash"] for e in scenario.a.edits]
    oldest_job = lf.get_jobs()[0].id
    session.current().runtime.save_checkpoint(force=True)
    lf.Orchestrator().stop()
    session.close()
    with open_for_viewing(workdir / ".ledgerflow", None) as reader, TestClient(create_app(reader)) as client:
        page = client.get(f"/datanode/{scenario.a.id}?a=1&b=2")
        assert page.status_code == 200 and all(h[:12] in page.text for h in hashes)
        job = client.get(f"/job/{oldest_job}")  # its output's write left memory
        assert job.status_code == 200 and scenario.b.edits[0]["hash"][:12] in job.text
    shown = CliRunner().invoke(app, ["show", scenario.a.id])
    assert shown.exit_code == 0 and "write 0" in shown.output


def test_deleting_what_left_memory_leaves_the_counts(workdir: Path) -> None:
    scenario = run_workload(keep=1)
    state = session.current().runtime.state
    old = lf.get_submissions()[0]
    assert state.archived_count("submissions") == 5 and state.archived_count("jobs") == 5
    lf.delete(old.jobs[0].id)
    lf.delete(old.id)
    assert state.archived_count("submissions") == 4 and state.archived_count("jobs") == 4
    assert len(lf.get_jobs()) == 5 and old.id not in {s.id for s in lf.get_submissions()}
    assert lf.get_latest_job(scenario.t).id == lf.get_jobs()[-1].id
    assert lf.replay(verify=True).ok
    state.remove_deleted()  # what a batch of deletions does: the ids leave the packed ones, the counts stay
    assert state.archived_count("submissions") == 4 and state.archived_count("jobs") == 4
    assert old.id not in state.archived_ids("submissions") and len(state.archived_ids("jobs")) == 4


def _delete_rows(folder: Path, where: str, *params: str) -> None:
    with sqlite3.connect(folder / ".ledgerflow" / "events.db") as db:
        assert db.execute(f"DELETE FROM stored_events WHERE {where}", params).rowcount >= 1


@pytest.mark.parametrize("event_store_url", ["sqlite"], indirect=True)
def test_a_log_missing_what_left_memory_says_so(workdir: Path) -> None:
    scenario = run_workload(keep=1)
    oldest_job = lf.get_jobs()[0].id
    session.current().runtime.save_checkpoint(force=True)
    lf.Orchestrator().stop()
    session.close()
    Config._reset()
    _delete_rows(workdir, "originator_id = ? AND originator_version = 1", oldest_job)
    _delete_rows(
        workdir,
        "originator_id = ? AND topic = 'ledgerflow.datanode.written' AND rowid = "
        "(SELECT MIN(rowid) FROM stored_events WHERE originator_id = ? AND topic = "
        "'ledgerflow.datanode.written')",
        scenario.a.id,
        scenario.a.id,
    )
    configure(keep=1)
    again = lf.get(scenario.id)
    assert again.a.read() == 50  # the last write is in memory
    with pytest.raises(EventStoreError, match=f"writes of data node {again.a.id}"):
        assert again.a.edits
    with pytest.raises(EventStoreError, match=f"lacks events of {oldest_job}"):
        lf.get(oldest_job)
