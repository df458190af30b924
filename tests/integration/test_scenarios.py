"""Scenarios through the public API: creation, scope sharing, cycles, tags, primary, deletion."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from backends import BACKENDS
from pipelines import as_list, double

import ledgerflow as lf
from ledgerflow import Config, Frequency, Scope
from ledgerflow.domain import errors


@pytest.fixture(params=BACKENDS)
def event_store_url(request: pytest.FixtureRequest) -> str | None:
    """Every test of this module runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("postgres_url")
    return url


def configs(frequency: Frequency | None = Frequency.MONTHLY) -> lf.Config:
    g_in = Config.configure_data_node("g_in", scope=Scope.GLOBAL, default_data=1)
    c_mid = Config.configure_data_node("c_mid", scope=Scope.CYCLE)
    s_out = Config.configure_data_node("s_out")
    extra = Config.configure_data_node("notes", default_data="n")
    t_g = Config.configure_task("t_g", double, g_in, c_mid)
    t_s = Config.configure_task("t_s", double, c_mid, s_out)
    return Config.configure_scenario(
        "sc",
        [t_g, t_s],
        additional_data_node_configs=[extra],
        frequency=frequency,
        sequences={"first": [t_g]},
        comparators={"s_out": [as_list]},
    )


def test_ids_follow_taipy_formats(running: Path) -> None:
    scenario = lf.create_scenario(configs())
    assert scenario.id.startswith("SCENARIO_sc_")
    assert scenario.g_in.id.startswith("DATANODE_g_in_")
    assert scenario.t_g.id.startswith("TASK_t_g_")
    assert scenario.first.id == f"SEQUENCE_first_{scenario.id}"
    assert scenario.cycle is not None and scenario.cycle.id.startswith(f"CYCLE_{datetime.now():%B}_")


def test_scope_sharing_matches_taipy(running: Path) -> None:
    config = configs()
    s1 = lf.create_scenario(config, creation_date=datetime(2026, 11, 2))
    s2 = lf.create_scenario(config, creation_date=datetime(2026, 11, 20))
    s3 = lf.create_scenario(config, creation_date=datetime(2020, 1, 5))
    assert s1.g_in == s2.g_in == s3.g_in and s1.g_in.owner_id is None
    assert s1.c_mid == s2.c_mid != s3.c_mid
    assert s1.t_g == s2.t_g and s1.t_g.parent_ids >= {s1.id, s2.id}
    assert s1.s_out != s2.s_out
    # g_in once, c_mid per cycle, s_out and notes per scenario; t_g per cycle, t_s per scenario
    assert (len(lf.get_data_nodes()), len(lf.get_tasks()), len(lf.get_cycles())) == (9, 5, 2)
    assert s1.is_primary and not s2.is_primary and s3.is_primary


def test_default_data_is_written_at_creation_and_reads_back(running: Path) -> None:
    scenario = lf.create_scenario(configs())
    assert scenario.g_in.read() == 1
    assert scenario.g_in.edits[0]["comment"] == "Default data written."
    assert scenario.s_out.read() is None
    with pytest.raises(errors.NoData, match=r'"s_out".*write it or give it default_data'):
        scenario.s_out.read_or_raise()


def test_scenario_attributes(running: Path) -> None:
    scenario = lf.create_scenario(configs(), name="Nov")
    assert scenario.name == "Nov"
    assert set(scenario.tasks) == {"t_g", "t_s"}
    assert set(scenario.data_nodes) == {"g_in", "c_mid", "s_out", "notes"}
    assert set(scenario.additional_data_nodes) == {"notes"}
    assert {d.config_id for d in scenario.get_inputs()} == {"g_in"}
    assert {d.config_id for d in scenario.get_outputs()} == {"s_out"}
    assert {d.config_id for d in scenario.get_intermediate()} == {"c_mid"}
    with pytest.raises(AttributeError, match="nope"):
        _ = scenario.nope
    assert lf.get(scenario.id) == scenario and lf.exists(scenario.id)
    assert not lf.exists("SCENARIO_sc_nothing")
    with pytest.raises(errors.ModelNotFound):
        lf.get("WHAT_is_this")
    parents = lf.get_parents(scenario.c_mid)
    assert scenario in parents["scenario"] and scenario.t_g in parents["task"]


def test_tags_and_authorized_tags(running: Path) -> None:
    config = configs()
    config = Config.configure_scenario("tagged", config.task_configs, authorized_tags=["ok", "good"])
    scenario = lf.create_scenario(config)
    lf.tag(scenario, "ok")
    assert scenario.has_tag("ok") and lf.get_scenarios(tag="ok") == [scenario]
    with pytest.raises(errors.UnauthorizedTagError, match='"bad"'):
        lf.tag(scenario, "bad")
    lf.untag(scenario, "ok")
    assert scenario.tags == set()


def test_primary_and_deletion_rules(running: Path) -> None:
    config = configs()
    first = lf.create_scenario(config)
    second = lf.create_scenario(config)
    cycle = first.cycle
    assert lf.get_primary(cycle) == first
    with pytest.raises(errors.DeletingPrimaryScenario):
        lf.delete(first.id)
    lf.set_primary(second)
    assert second.is_primary and not first.is_primary
    lf.delete(first.id)
    assert not lf.exists(first.id) and lf.exists(second.id)
    assert second.c_mid in lf.get_data_nodes()  # shared by the cycle: kept
    lf.delete(second.id)
    assert lf.get_cycles() == [] and lf.get_scenarios() == []
    assert [d.config_id for d in lf.get_data_nodes()] == ["g_in"]  # GLOBAL stays


def test_set_primary_without_cycle_is_refused(running: Path) -> None:
    scenario = lf.create_scenario(configs(frequency=None))
    with pytest.raises(errors.DoesNotBelongToACycle):
        lf.set_primary(scenario)


def test_get_scenarios_filters_and_sorts(running: Path) -> None:
    config = configs(frequency=None)
    b = lf.create_scenario(config, name="b", creation_date=datetime(2024, 1, 2))
    a = lf.create_scenario(config, name="a", creation_date=datetime(2024, 1, 3))
    assert lf.get_scenarios(is_sorted=True) == [a, b]
    assert lf.get_scenarios(is_sorted=True, descending=True) == [b, a]
    assert lf.get_scenarios(is_sorted=True, sort_key="creation_date") == [b, a]
    assert lf.get_scenarios(created_start_time=datetime(2024, 1, 3)) == [a]
    assert lf.get_scenarios(created_end_time=datetime(2024, 1, 3)) == [b]


def test_compare_scenarios(running: Path) -> None:
    config = configs(frequency=None)
    s1, s2 = lf.create_scenario(config), lf.create_scenario(config)
    s1.s_out.write(3)
    s2.s_out.write(4)
    assert list(lf.compare_scenarios(s1, s2)["s_out"].values()) == [[3, 4]]
    with pytest.raises(errors.InsufficientScenarioToCompare):
        lf.compare_scenarios(s1)


def test_global_data_node(running: Path) -> None:
    g_cfg = Config.configure_data_node("glob", scope=Scope.GLOBAL, default_data=[1])
    s_cfg = Config.configure_data_node("local")
    node = lf.create_global_data_node(g_cfg)
    assert lf.create_global_data_node(g_cfg) == node and node.read() == [1]
    with pytest.raises(errors.DataNodeConfigIsNotGlobal):
        lf.create_global_data_node(s_cfg)


def test_config_is_blocked_while_the_orchestrator_runs(workdir: Path) -> None:
    lf.Orchestrator().run()
    with pytest.raises(errors.ConfigurationUpdateBlocked):
        Config.configure_data_node("late")


def test_quarterly_cycles_are_right(running: Path) -> None:
    config = configs(frequency=Frequency.QUARTERLY)
    scenario = lf.create_scenario(config, creation_date=datetime(2024, 5, 17))
    other = lf.create_scenario(config, creation_date=datetime(2024, 6, 30))
    assert scenario.cycle == other.cycle
    assert scenario.cycle.start_date == datetime(2024, 4, 1) and scenario.cycle.end_date > scenario.cycle.start_date
    assert scenario.cycle.name == "2024 Q2"
