"""Config introspection and checking as Taipy has them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import ledgerflow as tp
from ledgerflow import Config


def ident(x: int) -> int:
    return x


def _configure() -> tuple[object, object, object]:
    a = Config.configure_data_node("a", default_data=1)
    b = Config.configure_data_node("b")
    task = Config.configure_task("t", ident, a, b)
    scenario = Config.configure_scenario("s", [task])
    return a, task, scenario


def test_keyed_sections_include_the_default_entry(tp_workdir: Path) -> None:
    _, task, _ = _configure()
    assert list(Config.data_nodes) == ["default", "a", "b"]
    assert list(Config.tasks) == ["default", "t"]
    assert list(Config.scenarios) == ["default", "s"]
    assert Config.data_nodes["default"].storage_type == "pickle"
    assert set(Config.sections) == {"DATA_NODE", "TASK", "SCENARIO"}
    assert Config.sections["TASK"]["t"] is task
    assert set(Config.unique_sections) == {"TAIPY", "JOB", "CORE"}
    assert Config.unique_sections["JOB"] is Config.job_config


def test_scenario_and_task_config_aliases(tp_workdir: Path) -> None:
    a, task, scenario = _configure()
    assert scenario.tasks == [task] == scenario.task_configs  # type: ignore[attr-defined]
    assert [dn.id for dn in scenario.data_nodes] == ["a", "b"]  # type: ignore[attr-defined]
    assert task.inputs == [a] and [dn.id for dn in task.outputs] == ["b"]  # type: ignore[attr-defined]


def test_a_key_outside_any_table_is_ignored(tp_workdir: Path) -> None:
    path = tp_workdir / "config.toml"
    path.write_text('stray = "ignored"\n\n[DATA_NODE.sales]\nstorage_type = "json"\n', encoding="utf-8")
    Config.load(path)
    assert Config.data_nodes["sales"].storage_type == "json"


def test_check_failure_is_a_system_exit_raised_by_the_orchestrator_start(tp_workdir: Path) -> None:
    Config.configure_task("broken", None)  # type: ignore[arg-type]
    with pytest.raises(SystemExit) as raised:
        Config.check()
    assert isinstance(raised.value, tp.exceptions.ConfigurationError)
    with pytest.raises(SystemExit):
        tp.Orchestrator().run()


def test_an_invalid_config_does_not_stop_create_scenario_without_the_orchestrator(tp_workdir: Path) -> None:
    _, _, scenario = _configure()
    Config.configure_task("unused", None)  # type: ignore[arg-type] # an error Config.check() reports
    created = tp.create_scenario(scenario)  # type: ignore[arg-type]
    assert created.a.read() == 1


def test_an_uncaught_check_failure_ends_the_script_without_a_traceback(tmp_path: Path) -> None:
    script = tmp_path / "main.py"
    script.write_text(
        "import ledgerflow as tp\nfrom ledgerflow import Config\n"
        'Config.configure_task("broken", None)\ntp.Orchestrator().run()\nprint("not reached")\n',
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "not reached" not in done.stdout
    assert "function field of TaskConfig `broken` is empty" in done.stderr


def test_invalid_config_ids_raise_taipys_exception(tp_workdir: Path) -> None:
    with pytest.raises(tp.exceptions.InvalidConfigurationId):
        Config.configure_data_node("not valid")
