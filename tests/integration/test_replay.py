"""``lf.replay``: rebuild the projection from position 0 and compare it with the live state."""

from __future__ import annotations

from pathlib import Path

from pipelines import double, fail

import ledgerflow as lf
from ledgerflow import Config, Status
from ledgerflow.service import session


def workload() -> lf.Scenario:
    a = Config.configure_data_node("a", default_data=3)
    b = Config.configure_data_node("b")
    c = Config.configure_data_node("c")
    config = Config.configure_scenario(
        "s", [Config.configure_task("t1", double, a, b), Config.configure_task("t2", fail, b, c)]
    )
    scenario = lf.create_scenario(config)
    lf.submit(scenario)
    scenario.a.write(4, editor_id="alice")
    lf.tag(scenario, "checked")
    return scenario


def test_the_rebuilt_state_equals_the_live_one(running: Path) -> None:
    workload()
    report = lf.replay(verify=True)
    assert report.ok and report.differences == []
    assert report.events == report.position > 10
    assert str(report).startswith(f"Replayed {report.events:,} events (positions 1-{report.position:,}) in ")
    assert str(report).endswith("the rebuilt state equals the live state.")


def test_every_difference_is_reported_in_readable_form(running: Path) -> None:
    scenario = workload()
    state = session.current().runtime.state
    job = lf.get_jobs()[0]
    state.jobs[job.id].status = Status.CANCELED  # as a faulty fold or a bad checkpoint would leave it
    state.scenarios[scenario.id].tags.add("ghost")
    lost = scenario.c.id
    del state.data_nodes[lost]
    report = lf.replay(verify=True)
    assert not report.ok
    assert f"job {job.id}: status: live CANCELED, replayed COMPLETED" in report.differences
    assert f"scenario {scenario.id}: tags: live {{'checked', 'ghost'}}, replayed {{'checked'}}" in report.differences
    assert f"data node {lost}: only in the replayed state" in report.differences
    assert "3 difference(s) from the live state:" in str(report)


def test_replay_without_verify_repairs_the_live_state(running: Path) -> None:
    scenario = workload()
    state = session.current().runtime.state
    state.scenarios[scenario.id].tags.add("ghost")
    lf.replay(verify=False)
    assert scenario.tags == {"checked"}
    assert lf.replay(verify=True).ok
