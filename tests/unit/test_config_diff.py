"""config_diff: differences between two recorded configs, in Taipy's grammar."""

from __future__ import annotations

from typing import Any

from ledgerflow.domain.config import Config, ConfigDifference, config_diff
from ledgerflow.domain.enums import Scope


def example_algorithm(entry: str) -> str:
    return entry


def other_algorithm(entry: str) -> str:
    return entry


# The conflict lines of the "Production mode" walkthrough (reference 000_4736457ff90d8cb1.txt).
WALKTHROUGH_LINES = [
    'DATA_NODE "my_input" has attribute "path" added: input.pkl',
    'DATA_NODE "my_output" has attribute "path" added: output.pkl',
    'DATA_NODE "my_input" has attribute "scope" modified: SCENARIO:SCOPE -> GLOBAL:SCOPE',
    'DATA_NODE "my_output" has attribute "scope" modified: SCENARIO:SCOPE -> GLOBAL:SCOPE',
    'TASK "example_algorithm" has attribute "skippable" modified: False:bool -> True:bool',
]


def _version_1(default_data: str = "a_string") -> dict[str, Any]:
    Config._reset()
    input_cfg = Config.configure_data_node("my_input", default_data=default_data)
    output_cfg = Config.configure_data_node("my_output")
    task_cfg = Config.configure_task("example_algorithm", example_algorithm, input_cfg, output_cfg)
    Config.configure_scenario("my_scenario", [task_cfg])
    return Config.serialize()


def _version_2(default_data: str = "a_string") -> dict[str, Any]:
    Config._reset()
    input_cfg = Config.configure_data_node("my_input", path="input.pkl", scope=Scope.GLOBAL, default_data=default_data)
    output_cfg = Config.configure_data_node("my_output", path="output.pkl", scope=Scope.GLOBAL)
    task_cfg = Config.configure_task("example_algorithm", example_algorithm, input_cfg, output_cfg, skippable=True)
    Config.configure_scenario("my_scenario", [task_cfg])
    return Config.serialize()


def test_the_production_walkthrough_lines() -> None:
    differences = config_diff(_version_1(), _version_2())
    assert [str(d) for d in differences] == WALKTHROUGH_LINES
    assert all(d.is_conflict for d in differences)


def test_the_walkthrough_default_data_change_is_reported_too() -> None:
    # The walkthrough's second main.py also changes default_data ("a_string" -> "A string").
    lines = [str(d) for d in config_diff(_version_1(), _version_2("A string"))]
    assert 'DATA_NODE "my_input" has attribute "default_data" modified: a_string -> A string' in lines
    assert len(lines) == 6


def test_no_difference() -> None:
    assert config_diff(_version_1(), _version_1()) == []


def test_whole_sections_and_removed_attributes() -> None:
    Config.configure_data_node("kept", owner="ops")
    Config.configure_data_node("gone")
    old = Config.serialize()
    Config._reset()
    Config.configure_data_node("kept")
    Config.configure_data_node("new", storage_type="json")
    lines = [str(d) for d in config_diff(old, Config.serialize())]
    assert lines == [
        "DATA_NODE \"new\" was added: {'encoding': 'utf-8', 'scope': 'SCENARIO:SCOPE', 'storage_type': 'json'}",
        'DATA_NODE "gone" was removed',
        'DATA_NODE "kept" has attribute "owner" removed',
    ]


def test_job_and_core_changes_are_not_conflicts() -> None:
    old = Config.serialize()
    Config.configure_core(force=True, event_store="ENV[DB]")
    Config.configure_job_executions(mode="standalone")
    Config.add_migration_function("2.0", "x", example_algorithm)
    differences = config_diff(old, Config.serialize())
    assert [str(d) for d in differences] == [
        'CORE "event_store" was added: ENV[DB]',
        "VERSION_MIGRATION \"2.0\" was added: {'x': 'test_config_diff.example_algorithm:function'}",
        'JOB "mode" was modified: development -> standalone',
        'CORE "force" was modified: False:bool -> True:bool',
    ]
    assert not any(d.is_conflict for d in differences)


def test_global_app_changes_are_conflicts() -> None:
    old = Config.serialize()
    Config.configure_global_app(name="shop")
    [difference] = config_diff(old, Config.serialize())
    assert (str(difference), difference.is_conflict) == ('GLOBAL_APP "name" was added: shop', True)


def test_order_of_tags_tasks_and_sequences_is_not_a_change() -> None:
    a, b = Config.configure_data_node("a"), Config.configure_data_node("b")
    t1 = Config.configure_task("t1", example_algorithm, a, None)
    t2 = Config.configure_task("t2", example_algorithm, b, None)
    Config.configure_scenario("s", [t1, t2], [a, b], sequences={"both": [t1, t2]}, authorized_tags=["x", "y"])
    old = Config.serialize()
    Config.configure_scenario("s", [t2, t1], [b, a], sequences={"both": [t2, t1]}, authorized_tags=["y", "x"])
    assert config_diff(old, Config.serialize()) == []


def test_order_of_task_inputs_is_a_change() -> None:
    a, b = Config.configure_data_node("a"), Config.configure_data_node("b")
    Config.configure_task("t", example_algorithm, [a, b], None)
    old = Config.serialize()
    Config.configure_task("t", example_algorithm, [b, a], None)
    [difference] = config_diff(old, Config.serialize())
    assert difference == ConfigDifference(
        "TASK", "t", "inputs", "modified", ["a:SECTION", "b:SECTION"], ["b:SECTION", "a:SECTION"]
    )
    assert difference.is_conflict


def test_function_change_is_a_conflict() -> None:
    Config.configure_task("t", example_algorithm)
    old = Config.serialize()
    Config.configure_task("t", other_algorithm)
    assert [str(d) for d in config_diff(old, Config.serialize())] == [
        'TASK "t" has attribute "function" modified: test_config_diff.example_algorithm:function '
        "-> test_config_diff.other_algorithm:function"
    ]
