"""Configuring sections: defaults, helpers, merging, references, setters and blocking."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from ledgerflow.domain.config import (
    Config,
    CoreConfig,
    DataNodeConfig,
    JobConfig,
    ScenarioConfig,
    TaskConfig,
)
from ledgerflow.domain.enums import Frequency, Scope
from ledgerflow.domain.errors import ConfigurationError, ConfigurationUpdateBlocked


def ident(x: Any) -> Any:
    return x


def add(x: int, y: int) -> int:
    return x + y


def compare(*values: Any) -> Any:
    return values


BLOCKED = (
    "The Orchestrator service should be stopped by running orchestrator.stop() before modifying the Configuration."
)


def test_data_node_defaults() -> None:
    dn = Config.configure_data_node("sales")
    assert isinstance(dn, DataNodeConfig)
    assert (dn.id, dn.storage_type, dn.scope, dn.validity_period) == (
        "sales",
        "pickle",
        Scope.SCENARIO,
        None,
    )
    assert dn.default_data is None
    assert dn.properties == {}
    assert Config.data_nodes == {"default": Config.data_nodes["default"], "sales": dn}  # Taipy lists "default"


def test_properties_are_attributes() -> None:
    dn = Config.configure_data_node("sales", default_data=[1, 2], owner="ops")
    assert dn.default_data == [1, 2]
    assert dn.owner == "ops"
    assert dn.properties == {"default_data": [1, 2], "owner": "ops"}


def test_set_default_data_node_configuration() -> None:
    Config.set_default_data_node_configuration("in_memory", scope=Scope.GLOBAL)
    dn2 = Config.configure_data_node("input_data2")
    assert (dn2.storage_type, dn2.scope) == ("in_memory", Scope.GLOBAL)
    # The default scope applies only to nodes of the default's storage type.
    other = Config.configure_csv_data_node("other")
    assert other.scope == Scope.SCENARIO
    Config.set_default_data_node_configuration("json", validity_period=timedelta(1))
    dn4 = Config.configure_data_node("input_data4")
    assert (dn4.storage_type, dn4.scope, dn4.validity_period) == (
        "json",
        Scope.SCENARIO,
        timedelta(1),
    )


def test_default_properties_apply_to_nodes_of_that_storage_type() -> None:
    Config.set_default_data_node_configuration("csv", has_header=False, sep=";")
    csv = Config.configure_data_node("a")
    pickle = Config.configure_pickle_data_node("b")
    assert (csv.has_header, csv.sep, csv.encoding) == (False, ";", "utf-8")
    assert pickle.sep is None


def test_helpers_record_storage_type_and_taipy_defaults() -> None:
    csv = Config.configure_csv_data_node("c", default_path="in.csv")
    assert (csv.storage_type, csv.encoding, csv.has_header, csv.exposed_type) == (
        "csv",
        "utf-8",
        True,
        "pandas",
    )
    parquet = Config.configure_parquet_data_node("p")
    assert (parquet.engine, parquet.compression, parquet.exposed_type) == (
        "pyarrow",
        "snappy",
        "pandas",
    )
    excel = Config.configure_excel_data_node("e")
    assert (excel.has_header, excel.sheet_name, excel.exposed_type) == (True, None, "pandas")
    table = Config.configure_sql_table_data_node("t", db_name="db", db_engine="sqlite", table_name="x")
    assert (table.db_host, table.db_port, table.db_driver, table.sqlite_file_extension) == (
        "localhost",
        1433,
        "",
        ".db",
    )
    sql = Config.configure_sql_data_node("s", db_name="db", db_engine="sqlite", read_query="q")
    assert sql.storage_type == "sql"
    json_dn = Config.configure_json_data_node("j", default_data={"a": 1})
    assert (json_dn.storage_type, json_dn.encoding, json_dn.default_data) == (
        "json",
        "utf-8",
        {"a": 1},
    )
    memory = Config.configure_in_memory_data_node("m", default_data=3)
    assert (memory.storage_type, memory.default_data) == ("in_memory", 3)
    generic = Config.configure_generic_data_node("g", read_fct=ident, read_fct_args=[1])
    assert (generic.storage_type, generic.read_fct, generic.read_fct_args) == (
        "generic",
        ident,
        [1],
    )
    pickle = Config.configure_pickle_data_node("k", default_data="x", scope=Scope.GLOBAL)
    assert (pickle.storage_type, pickle.scope, pickle.default_data) == ("pickle", Scope.GLOBAL, "x")


def test_configure_data_node_with_storage_type_equals_its_helper() -> None:
    via_generic = Config.configure_data_node("a", storage_type="json", default_path="a.json")
    via_helper = Config.configure_json_data_node("b", default_path="a.json")
    assert via_generic.properties == via_helper.properties


def test_paths_are_normalised() -> None:
    a = Config.configure_data_node("a", path="./data//in.pkl")
    b = Config.configure_pickle_data_node("b", default_path=Path("data") / "." / "out.pkl")
    assert a.path == "data/in.pkl"
    assert b.default_path == "data/out.pkl"
    assert (a.file_path, b.file_path) == ("data/in.pkl", "data/out.pkl")


def test_configure_data_node_from() -> None:
    source = Config.configure_csv_data_node("source", default_path="a.csv", scope=Scope.GLOBAL)
    copy = Config.configure_data_node_from(source, "copy", default_path="b.csv")
    assert (copy.id, copy.storage_type, copy.scope, copy.default_path) == (
        "copy",
        "csv",
        Scope.GLOBAL,
        "b.csv",
    )
    assert source.default_path == "a.csv"


def test_reconfiguring_an_id_merges_into_the_same_object() -> None:
    first = Config.configure_csv_data_node("sales", default_path="a.csv", owner="ops")
    second = Config.configure_data_node("sales", scope=Scope.GLOBAL, default_path="b.csv")
    assert second is first
    assert (first.storage_type, first.scope, first.default_path, first.owner) == (
        "csv",
        Scope.GLOBAL,
        "b.csv",
        "ops",
    )
    assert list(Config.data_nodes) == ["default", "sales"]


def test_invalid_ids_are_refused() -> None:
    for bad in ("my input", "1st", "class", "a-b", ""):
        with pytest.raises(ConfigurationError, match="not a valid Python identifier"):
            Config.configure_data_node(bad)
    with pytest.raises(ConfigurationError, match="set_default_task_configuration"):
        Config.configure_task("default", ident)
    assert list(Config.data_nodes) == ["default"]


def test_invalid_typed_values_are_refused_and_nothing_is_recorded() -> None:
    with pytest.raises(ConfigurationError, match='DATA_NODE "x": scope is invalid'):
        Config.configure_data_node("x", scope="GLOBAL")  # type: ignore[arg-type]
    assert list(Config.data_nodes) == ["default"]


def test_task_inputs_outputs_keep_order_and_accept_one_config() -> None:
    a, b, c = (Config.configure_data_node(n) for n in ("a", "b", "c"))
    task = Config.configure_task("sum", add, [b, a], c, code_version="2")
    assert isinstance(task, TaskConfig)
    assert task.input_configs == [b, a]
    assert task.output_configs == [c]
    assert (task.function, task.skippable, task.code_version) == (add, False, "2")
    assert task.properties == {"code_version": "2"}
    lonely = Config.configure_task("lonely", ident)
    assert (lonely.input_configs, lonely.output_configs) == ([], [])


def test_task_scope_is_the_narrowest_of_its_data_nodes() -> None:
    g = Config.configure_data_node("g", scope=Scope.GLOBAL)
    c = Config.configure_data_node("c", scope=Scope.CYCLE)
    s = Config.configure_data_node("s")
    assert Config.configure_task("t1", ident, g, c).scope == Scope.CYCLE
    assert Config.configure_task("t2", ident, g, s).scope == Scope.SCENARIO
    assert Config.configure_task("t3", ident, g, g).scope == Scope.GLOBAL
    assert Config.configure_task("t4", ident).scope == Scope.GLOBAL


def test_references_follow_later_changes() -> None:
    dn = Config.configure_data_node("dn")
    task = Config.configure_task("t", ident, dn, None)
    scenario = Config.configure_scenario("s", [task])
    Config.configure_data_node("dn", scope=Scope.GLOBAL)
    assert scenario.task_configs[0].input_configs[0].scope == Scope.GLOBAL
    assert task.scope == Scope.GLOBAL


def test_scenario_configuration() -> None:
    a, b, c, extra = (Config.configure_data_node(n) for n in ("a", "b", "c", "extra"))
    t1 = Config.configure_task("t1", ident, a, b)
    t2 = Config.configure_task("t2", ident, [b, a], c)
    scenario = Config.configure_scenario(
        "s",
        [t1, t2],
        [extra, a],
        Frequency.WEEKLY,
        comparators={"c": compare},
        sequences={"first": [t1]},
        authorized_tags=["best"],
    )
    assert isinstance(scenario, ScenarioConfig)
    assert scenario.task_configs == [t1, t2]
    assert scenario.additional_data_node_configs == [extra, a]
    assert [dn.id for dn in scenario.data_node_configs] == ["a", "b", "c", "extra"]
    assert scenario.frequency is Frequency.WEEKLY
    assert scenario.comparators == {"c": [compare]}
    assert scenario.sequences == {"first": [t1]}
    assert scenario.properties == {"authorized_tags": ["best"]}
    assert Config.scenarios == {"default": Config.scenarios["default"], "s": scenario}


def test_comparators_and_sequences_can_be_changed() -> None:
    a = Config.configure_data_node("a")
    t1 = Config.configure_task("t1", ident, a, None)
    t2 = Config.configure_task("t2", ident, a, None)
    scenario = Config.configure_scenario("s", [t1, t2])
    scenario.add_comparator("a", compare)
    scenario.add_comparator("a", ident)
    assert scenario.comparators == {"a": [compare, ident]}
    scenario.delete_comparator("a")
    assert scenario.comparators == {}
    scenario.add_sequences({"one": [t1], "two": [t1, t2]})
    assert scenario.sequences == {"one": [t1], "two": [t1, t2]}
    scenario.remove_sequences("one")
    assert list(scenario.sequences) == ["two"]
    scenario.remove_sequences(["two"])
    assert scenario.sequences == {}


def test_setters_write_through_the_registry() -> None:
    dn = Config.configure_data_node("dn")
    dn.scope = Scope.CYCLE
    dn.owner = "ops"
    assert Config.data_nodes["dn"].scope == Scope.CYCLE
    assert Config.data_nodes["dn"].owner == "ops"
    with pytest.raises(AttributeError, match="cannot be changed"):
        dn.id = "other"


def test_set_default_task_and_scenario_configuration() -> None:
    Config.set_default_task_configuration(ident, skippable=True, owner="ops")
    task = Config.configure_task("t", add)
    assert (task.function, task.owner) == (add, "ops")
    Config.set_default_scenario_configuration(frequency=Frequency.DAILY, authorized_tags=["a"])
    scenario = Config.configure_scenario("s", [task])
    assert (scenario.frequency, scenario.authorized_tags) == (Frequency.DAILY, ["a"])


def test_job_config() -> None:
    assert (Config.job_config.mode, Config.job_config.max_nb_of_workers) == ("development", 2)
    job = Config.configure_job_executions(mode="standalone", max_nb_of_workers=4)
    assert isinstance(job, JobConfig)
    assert job is Config.job_config
    assert (job.mode, job.max_nb_of_workers, job.is_standalone) == ("standalone", 4, True)
    Config.configure_job_executions(mode="cluster")
    assert (job.mode, job.max_nb_of_workers) == ("cluster", 4)


def test_core_config() -> None:
    core = Config.core
    assert isinstance(core, CoreConfig)
    assert (core.storage_folder, core.event_store, core.mode, core.version_number, core.force) == (
        ".ledgerflow/",
        None,
        "development",
        "",
        False,
    )
    Config.configure_core(event_store="postgresql://db/x", mode="production", version_number="2.0")
    assert (core.event_store, core.mode, core.version_number) == (
        "postgresql://db/x",
        "production",
        "2.0",
    )
    core.force = True
    assert Config.core.force is True


def test_global_app_config() -> None:
    Config.configure_global_app(name="shop", level=3)
    assert Config.global_config.name == "shop"
    assert Config.global_config.properties == {"name": "shop", "level": 3}


def test_migration_functions() -> None:
    dn = Config.configure_data_node("my_input")
    Config.add_migration_function("2.0", dn, ident)
    Config.add_migration_function("2.0", "example_algorithm", add)
    assert Config.migration_functions == {"2.0": {"my_input": ident, "example_algorithm": add}}


def test_blocked_configuration_refuses_every_change() -> None:
    dn = Config.configure_data_node("dn")
    scenario = Config.configure_scenario("s", [])
    Config.block_update()
    changes: list[Callable[[], object]] = [
        lambda: Config.configure_data_node("other"),
        lambda: Config.configure_csv_data_node("other"),
        lambda: Config.configure_task("t", ident),
        lambda: Config.configure_scenario("s2"),
        lambda: Config.configure_job_executions(mode="standalone"),
        lambda: Config.configure_core(mode="experiment"),
        lambda: Config.configure_global_app(a=1),
        lambda: Config.set_default_data_node_configuration("csv"),
        lambda: Config.add_migration_function("2.0", "dn", ident),
        lambda: setattr(dn, "scope", Scope.GLOBAL),
        lambda: scenario.add_comparator("dn", ident),
    ]
    for change in changes:
        with pytest.raises(ConfigurationUpdateBlocked) as raised:
            change()
        assert str(raised.value) == BLOCKED
    assert dn.scope == Scope.SCENARIO
    assert list(Config.data_nodes) == ["default", "dn"]
    Config.unblock_update()
    Config.configure_data_node("other")
    assert list(Config.data_nodes) == ["default", "dn", "other"]


def test_reset_restores_a_pristine_registry() -> None:
    Config.configure_data_node("dn")
    Config.configure_job_executions(mode="standalone")
    Config.block_update()
    Config._reset()
    assert list(Config.data_nodes) == ["default"]
    assert Config.job_config.mode == "development"
    Config.configure_data_node("dn")


def test_configs_link_the_registry_objects() -> None:
    a = Config.configure_data_node("a")
    task = Config.configure_task("t", ident, a, None)
    Config.configure_scenario("s", [task])
    assert Config.tasks["t"].input_configs[0] is Config.data_nodes["a"] is a
    assert Config.scenarios["s"].task_configs[0] is task


def test_configs_from_elsewhere_are_adopted() -> None:
    old_dn = Config.configure_csv_data_node("a", default_path="a.csv")
    old_task = Config.configure_task("t", ident, old_dn, None)
    Config._reset()
    scenario = Config.configure_scenario("s", [old_task])
    assert list(Config.tasks) == ["default", "t"]
    assert Config.data_nodes["a"].storage_type == "csv"
    assert scenario.task_configs[0].input_configs[0].default_path == "a.csv"


def test_pickled_configs_are_detached_copies() -> None:
    a = Config.configure_data_node("a", owner="ops")
    task = Config.configure_task("t", add, [a, a], None)
    copy = pickle.loads(pickle.dumps(task))
    assert copy == task
    assert copy.input_configs[0].owner == "ops"
    with pytest.raises(ConfigurationError, match="read-only"):
        copy.skippable = True
