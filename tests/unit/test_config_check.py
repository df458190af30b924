"""Config.check(): every checker, its message, and the error listing all errors."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from ledgerflow.domain.config import Config, ConfigCheckError, IssueCollector
from ledgerflow.domain.enums import Scope
from ledgerflow.domain.errors import ConfigurationError, MissingEnvVariableError


def ident(x: Any) -> Any:
    return x


def add(x: int, y: int) -> int:
    return x + y


def with_default(x: int, y: int = 0) -> int:
    return x + y


def variadic(x: int, *rest: int) -> int:
    return x


def needs_keyword(x: int, *, factor: int) -> int:
    return x * factor


def _errors() -> list[str]:
    with pytest.raises(ConfigCheckError) as raised:
        Config.check()
    return [issue.message for issue in raised.value.issues.errors]


def test_a_valid_config_has_no_errors() -> None:
    a, b = Config.configure_data_node("a"), Config.configure_data_node("b")
    task = Config.configure_task("t", ident, a, b)
    Config.configure_scenario("s", [task], sequences={"seq": [task]}, comparators={"b": add})
    issues = Config.check()
    assert isinstance(issues, IssueCollector)
    assert (issues.errors, issues.warnings) == ([], [])


def test_the_error_lists_every_error_one_per_line() -> None:
    Config.configure_data_node("a", storage_type="nope")
    Config.configure_task("t", 5)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError) as raised:
        Config.check()
    lines = str(raised.value).splitlines()
    assert lines[0] == "The configuration has 2 errors:"
    assert lines[1].strip().startswith("`storage_type` field of DataNodeConfig `a`")
    assert lines[2].strip() == 'Task "t": function 5 is not callable. Give it a function.'


def test_cycle_in_the_task_graph_names_the_tasks() -> None:
    a, b, c = (Config.configure_data_node(n) for n in "abc")
    t1 = Config.configure_task("t1", ident, a, b)
    t2 = Config.configure_task("t2", ident, b, c)
    t3 = Config.configure_task("t3", ident, c, a)
    Config.configure_scenario("s", [t1, t2, t3])
    assert _errors() == [
        'Scenario "s" has a cycle in its task graph: t1 -> t2 -> t3 -> t1. A task must not read, '
        "directly or through other tasks, a data node it writes: give it a new output."
    ]


def test_task_reading_its_own_output_is_a_cycle() -> None:
    a = Config.configure_data_node("a")
    Config.configure_scenario("s", [Config.configure_task("t", ident, a, a)])
    assert "cycle in its task graph: t -> t" in _errors()[0]


def test_output_written_by_two_tasks() -> None:
    a, b = Config.configure_data_node("a"), Config.configure_data_node("b")
    Config.configure_scenario("s", [Config.configure_task("t1", ident, a, b), Config.configure_task("t2", ident, a, b)])
    assert _errors() == [
        'Scenario "s": DataNode "b" is written by several tasks ("t1", "t2"). Give each task its own output data node.'
    ]


def test_missing_function() -> None:
    Config.configure_task("bad_task", None, Config.configure_data_node("a"))
    assert _errors() == ["function field of TaskConfig `bad_task` is empty. Give configure_task the function to run."]


def test_lambda_and_local_functions_cannot_be_recorded() -> None:
    def local(x: Any) -> Any:
        return x

    a = Config.configure_data_node("a")
    Config.configure_task("with_lambda", lambda x: x, a)
    Config.configure_task("with_local", local, a)
    errors = _errors()
    assert errors[0] == (
        'Task "with_lambda": function "test_config_check.test_lambda_and_local_functions_cannot_'
        'be_recorded.<locals>.<lambda>" cannot be recorded: it is a lambda, which has no '
        "importable name. Define it at module level in an importable module."
    )
    assert "it is defined inside another function" in errors[1]


def _main_function(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    def in_main(x: Any) -> Any:
        return x

    in_main.__module__ = "__main__"
    in_main.__qualname__ = "in_main"
    monkeypatch.setattr(sys.modules["__main__"], "in_main", in_main, raising=False)
    return in_main


@pytest.mark.parametrize("mode", ["standalone", "cluster"])
def test_main_functions_in_worker_modes(monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    Config.configure_task("t", _main_function(monkeypatch), Config.configure_data_node("a"))
    Config.configure_job_executions(mode=mode)
    assert _errors() == [
        f'Task "t": function "__main__.in_main" is defined in __main__, which {mode} workers '
        'cannot import. Move it to a module or guard the script with `if __name__ == "__main__":`.'
    ]
    assert Config.check(main_guarded=True).errors == []


def test_main_functions_are_fine_in_development(monkeypatch: pytest.MonkeyPatch) -> None:
    Config.configure_task("t", _main_function(monkeypatch), Config.configure_data_node("a"))
    assert Config.check().errors == []


@pytest.mark.parametrize(
    ("function", "inputs", "message"),
    [
        (add, 1, "takes exactly 2 positional arguments but the task has 1 input."),
        (ident, 2, "takes exactly 1 positional arguments but the task has 2 inputs."),
        (with_default, 3, "takes 1 to 2 positional arguments but the task has 3 inputs."),
        (variadic, 0, "takes at least 1 positional arguments but the task has 0 inputs."),
    ],
)
def test_arity_mismatch(function: Callable[..., Any], inputs: int, message: str) -> None:
    dns = [Config.configure_data_node(f"dn{i}") for i in range(inputs)]
    Config.configure_task("t", function, dns, Config.configure_data_node("out"))
    errors = _errors()
    assert len(errors) == 1
    assert errors[0].startswith(f'Task "t": function "test_config_check.{function.__name__}" ')
    assert message in errors[0]


@pytest.mark.parametrize(("function", "inputs"), [(with_default, 1), (with_default, 2), (variadic, 4)])
def test_arity_respects_defaults_and_varargs(function: Callable[..., Any], inputs: int) -> None:
    dns = [Config.configure_data_node(f"dn{i}") for i in range(inputs)]
    Config.configure_task("t", function, dns, Config.configure_data_node("out"))
    assert Config.check().errors == []


def test_required_keyword_only_argument() -> None:
    Config.configure_task("t", needs_keyword, Config.configure_data_node("a"))
    assert 'required keyword-only argument "factor"' in _errors()[0]


def test_id_used_by_two_kinds() -> None:
    dn = Config.configure_data_node("sc")
    Config.configure_scenario("sc", [Config.configure_task("t", ident, dn, None)])
    assert _errors() == [
        "`sc` is used as the config_id of multiple configurations ['DATA_NODE', 'SCENARIO']. "
        "Give each configuration its own id."
    ]


def test_unknown_storage_type() -> None:
    Config.configure_data_node("sc", storage_type="redis_hash")
    assert _errors() == [
        "`storage_type` field of DataNodeConfig `sc` must be either csv, sql_table, sql, mongo_collection, "
        "pickle, excel, generic, json, parquet, s3_object, or in_memory."
    ]


def test_missing_required_properties() -> None:
    Config.configure_sql_table_data_node("tbl", db_name="db", db_engine="postgresql", table_name="t")
    Config.configure_sql_table_data_node("lite", db_engine="sqlite", table_name="t")
    Config.configure_generic_data_node("gen")
    assert _errors() == [
        "DataNodeConfig `tbl` is missing the required property `db_username` for type "
        "`sql_table`. Add db_username=... to its configure call.",
        "DataNodeConfig `tbl` is missing the required property `db_password` for type "
        "`sql_table`. Add db_password=... to its configure call.",
        "DataNodeConfig `lite` is missing the required property `db_name` for type `sql_table`. "
        "Add db_name=... to its configure call.",
        'DataNode "gen" of type generic has neither read_fct nor write_fct: give '
        "configure_generic_data_node at least one of them.",
    ]


def test_data_node_functions_are_checked() -> None:
    Config.configure_generic_data_node("gen", read_fct="not a function")  # type: ignore[arg-type]
    assert _errors() == ["DataNode \"gen\": read_fct 'not a function' is not callable. Give it a function."]


def test_in_memory_outside_development() -> None:
    Config.configure_in_memory_data_node("mem")
    assert Config.check().errors == []
    Config.configure_job_executions(mode="standalone")
    assert _errors() == [
        'DataNode "mem" is stored in memory, which only works in development job mode (the job '
        'mode is "standalone"). Use a pickle data node, or run in development mode.'
    ]


@pytest.mark.parametrize("period", [5, "1d", timedelta(0)])
def test_invalid_validity_period(period: Any) -> None:
    Config.configure_data_node("dn", validity_period=period)
    assert _errors() == [
        f'DataNode "dn": validity_period must be a positive timedelta (for example timedelta(days=1)), not {period!r}.'
    ]


def test_sequence_naming_a_task_outside_the_scenario() -> None:
    a = Config.configure_data_node("a")
    t1, t9 = (
        Config.configure_task("t1", ident, a, None),
        Config.configure_task("t9", ident, a, None),
    )
    Config.configure_scenario("s", [t1], sequences={"seq": [t1, t9]})
    assert _errors() == [
        'Scenario "s": sequence "seq" names task "t9", which is not one of the scenario\'s tasks. '
        'Add "t9" to its task_configs or remove it from the sequence.'
    ]


def test_comparators_on_unknown_data_nodes_and_not_callable() -> None:
    a = Config.configure_data_node("a")
    Config.configure_data_node("elsewhere")
    task = Config.configure_task("t", ident, a, None)
    comparators: dict[str, Any] = {"elsewhere": ident, "a": "nope"}
    Config.configure_scenario("s", [task], comparators=comparators)
    assert _errors() == [
        'Scenario "s" has a comparator for data node "elsewhere", which is not one of its data '
        "nodes (a). Use the id of one of them.",
        'Scenario "s", comparator of "a": comparator \'nope\' is not callable. Give it a function.',
    ]


def test_migration_functions_must_be_callable() -> None:
    Config.configure_data_node("my_input")
    Config.add_migration_function("2.0", "my_input", "not callable")  # type: ignore[arg-type]
    Config.add_migration_function("2.0", "ghost", ident)
    with pytest.raises(ConfigCheckError) as raised:
        Config.check()
    issues = raised.value.issues
    assert [i.message for i in issues.errors] == [
        'Migration function of "my_input" for version "2.0": migration_fct \'not callable\' is '
        "not callable. Give it a function."
    ]
    assert [i.message for i in issues.warnings] == [
        'Migration function of "ghost" for version "2.0" targets no configured data node, task or '
        "scenario: check the id."
    ]


def test_invalid_job_settings() -> None:
    Config.configure_job_executions(mode="parallel", max_nb_of_workers=0)
    assert _errors() == [
        'JobConfig: mode "parallel" is not a job execution mode. Use "development", "standalone" or "cluster".',
        "JobConfig: max_nb_of_workers must be a whole number of at least 1, not 0.",
    ]


def test_invalid_core_settings_never_show_the_url() -> None:
    Config.configure_core(mode="staging", event_store="mysql://user:hunter2@host/db")
    errors = _errors()
    assert errors[0].startswith('CoreConfig: mode "staging" is not a version mode.')
    assert errors[1].startswith("CoreConfig: event_store mysql://... is not supported.")
    assert "hunter2" not in "".join(errors)
    Config._reset()
    Config.configure_core(event_store="sqlite:///events.db")
    assert Config.check().errors == []


def test_empty_inputs_outputs_and_tasks_are_warnings() -> None:
    Config.configure_scenario("empty", [])
    Config.configure_task("t", ident, Config.configure_data_node("a"))
    warnings = [issue.message for issue in Config.check().warnings]
    assert warnings == [
        "outputs field of TaskConfig `t` is empty.",
        "tasks field of ScenarioConfig `empty` is empty.",
    ]


def test_issues_carry_level_field_value_and_tag() -> None:
    Config.configure_data_node("dn", validity_period=5, scope=Scope.GLOBAL)  # type: ignore[arg-type]
    with pytest.raises(ConfigCheckError) as raised:
        Config.check()
    issue = raised.value.issues.errors[0]
    assert (issue.level, issue.field, issue.value, issue.tag) == (
        "ERROR",
        "validity_period",
        5,
        "DATA_NODE",
    )


def test_missing_env_variable_surfaces_in_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JOB_MODE_NOT_SET", raising=False)
    Config.configure_job_executions(mode="ENV[JOB_MODE_NOT_SET]")
    with pytest.raises(MissingEnvVariableError):
        Config.check()
