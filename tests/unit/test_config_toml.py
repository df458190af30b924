"""TOML files: typed-value encoding, export/load round trip, override layers, backup/restore."""

from __future__ import annotations

import json
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ledgerflow.domain.config import Config
from ledgerflow.domain.config.encoding import decode_value, encode_value
from ledgerflow.domain.enums import Frequency, Scope
from ledgerflow.domain.errors import ConfigurationError, LoadingError


def double(x: int) -> int:
    return x * 2


def compare(*values: Any) -> Any:
    return values


def migrate(entity: Any) -> Any:
    return entity


class Encoder(json.JSONEncoder):
    pass


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5, "5:int"),
        (True, "True:bool"),
        (1.5, "1.5:float"),
        (Scope.GLOBAL, "GLOBAL:SCOPE"),
        (Frequency.WEEKLY, "WEEKLY:FREQUENCY"),
        (timedelta(days=1), "1d0h0m0s:timedelta"),
        (timedelta(hours=25, minutes=3, seconds=4), "1d1h3m4s:timedelta"),
        (timedelta(days=400, microseconds=5), "400d0h0m0.000005s:timedelta"),
        (timedelta(seconds=-1), "-1d23h59m59s:timedelta"),
        (datetime(2024, 1, 2, 3, 4, 5), "2024-01-02T03:04:05:datetime"),
        (double, "test_config_toml.double:function"),
        (Encoder, "test_config_toml.Encoder:class"),
        ("plain", "plain"),
        ("ENV[PORT]:int", "ENV[PORT]:int"),
        ("ratio:int", "ratio:int:str"),
        ([1, "a", None], ["1:int", "a", "None:NoneType"]),
        ({"k": False}, {"k": "False:bool"}),
    ],
)
def test_typed_values_round_trip(value: Any, text: Any) -> None:
    assert encode_value(value, strict=True) == text
    assert decode_value(text, lazy=False) == value


def test_undecodable_typed_value_is_a_loading_error() -> None:
    with pytest.raises(LoadingError, match='"five:int" is not a valid int value'):
        decode_value("five:int", lazy=False)


def _configure_everything() -> None:
    Config.configure_global_app(name="shop")
    Config.configure_job_executions(mode="standalone", max_nb_of_workers="ENV[WORKERS]")
    Config.configure_core(storage_folder="data/", event_store="ENV[DB_URL]")
    Config.set_default_data_node_configuration("pickle", scope=Scope.CYCLE)
    sales = Config.configure_csv_data_node("sales", default_path="sales.csv", has_header=False)
    sales_json = Config.configure_json_data_node("sales_json", encoder=Encoder)
    out = Config.configure_data_node("out", validity_period=timedelta(hours=2), default_data={"a": [1, 2.5, True]})
    task = Config.configure_task("train", double, [sales, sales_json], out, skippable=True, code_version="3")
    Config.configure_scenario(
        "forecast",
        [task],
        [sales],
        Frequency.MONTHLY,
        comparators={"out": [compare]},
        sequences={"only": [task]},
        authorized_tags=["a", "b"],
    )
    Config.add_migration_function("2.0", "sales", migrate)


def test_export_writes_taipy_tables(tmp_path: Path) -> None:
    _configure_everything()
    Config.export(tmp_path / "config.toml")
    document = tomllib.loads((tmp_path / "config.toml").read_text())
    assert document["TASK"]["train"] == {
        "function": "test_config_toml.double:function",
        "inputs": ["sales:SECTION", "sales_json:SECTION"],
        "outputs": ["out:SECTION"],
        "skippable": "True:bool",
        "code_version": "3",
    }
    assert document["DATA_NODE"]["default"] == {"storage_type": "pickle", "scope": "CYCLE:SCOPE"}
    assert document["DATA_NODE"]["out"]["validity_period"] == "0d2h0m0s:timedelta"
    assert document["SCENARIO"]["forecast"]["comparators"] == {"out": ["test_config_toml.compare:function"]}
    assert document["SCENARIO"]["forecast"]["sequences"] == {"only": ["train:SECTION"]}
    assert document["SCENARIO"]["forecast"]["frequency"] == "MONTHLY:FREQUENCY"
    assert document["JOB"] == {"mode": "standalone", "max_nb_of_workers": "ENV[WORKERS]"}
    assert document["CORE"] == {"storage_folder": "data/", "event_store": "ENV[DB_URL]"}
    assert document["GLOBAL_APP"] == {"name": "shop"}
    assert document["VERSION_MIGRATION"] == {"migration_fcts": {"2.0": {"sales": "test_config_toml.migrate:function"}}}


def test_export_reset_load_gives_the_same_config(tmp_path: Path) -> None:
    _configure_everything()
    before = Config.serialize()
    Config.export(tmp_path / "config.toml")
    Config._reset()
    assert Config.serialize() != before
    Config.load(tmp_path / "config.toml")
    assert Config.serialize() == before
    task = Config.tasks["train"]
    assert task.function is double
    assert [dn.id for dn in task.input_configs] == ["sales", "sales_json"]
    assert Config.data_nodes["sales_json"].encoder is Encoder
    assert Config.data_nodes["out"].validity_period == timedelta(hours=2)
    assert Config.data_nodes["out"].default_data == {"a": [1, 2.5, True]}
    assert Config.scenarios["forecast"].comparators == {"out": [compare]}
    assert Config.migration_functions == {"2.0": {"sales": migrate}}


def test_load_replaces_the_code_layer(tmp_path: Path) -> None:
    Config.configure_data_node("a")
    Config.export(tmp_path / "a.toml")
    Config._reset()
    Config.configure_data_node("b")
    Config.load(tmp_path / "a.toml")
    assert list(Config.data_nodes) == ["default", "a"]


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_layers_precedence_default_code_file_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dn = Config.configure_data_node("dn", path="code.pkl", owner="code", level="code")
    Config.configure_job_executions(mode="standalone")
    assert (dn.storage_type, dn.path) == ("pickle", "code.pkl")
    Config.override(
        _write(
            tmp_path / "file.toml",
            '[DATA_NODE.dn]\npath = "file.pkl"\nlevel = "file"\n[JOB]\nmax_nb_of_workers = "5:int"\n',
        )
    )
    assert (dn.path, dn.owner, dn.level) == ("file.pkl", "code", "file")
    assert (Config.job_config.mode, Config.job_config.max_nb_of_workers) == ("standalone", 5)
    env_file = _write(tmp_path / "env.toml", '[DATA_NODE.dn]\nlevel = "env"\nscope = "GLOBAL:SCOPE"\n')
    monkeypatch.setenv("LEDGERFLOW_CONFIG_PATH", str(env_file))
    # A change of the variable is noticed at the next access through Config.
    assert Config.data_nodes["dn"] is dn
    assert (dn.path, dn.owner, dn.level, dn.scope) == ("file.pkl", "code", "env", Scope.GLOBAL)
    # Code changes stay below both files.
    Config.configure_data_node("dn", level="code again", owner="code again")
    assert (dn.level, dn.owner) == ("env", "code again")
    monkeypatch.delenv("LEDGERFLOW_CONFIG_PATH")
    assert Config.data_nodes["dn"].level == "file"
    assert dn.scope == Scope.SCENARIO


def test_the_env_file_changes_nothing_while_the_orchestrator_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Config.configure_data_node("dn", level="code")
    Config.block_update()  # what Orchestrator().run() does
    try:
        monkeypatch.setenv(
            "LEDGERFLOW_CONFIG_PATH", str(_write(tmp_path / "env.toml", '[DATA_NODE.dn]\nlevel = "env"\n'))
        )
        assert Config.data_nodes["dn"].level == "code"
    finally:
        Config.unblock_update()
    assert Config.data_nodes["dn"].level == "env"  # applied once it stopped


def test_export_writes_only_the_code_layer(tmp_path: Path) -> None:
    Config.configure_data_node("dn", path="code.pkl")
    Config.override(_write(tmp_path / "file.toml", '[DATA_NODE.dn]\npath = "file.pkl"\n'))
    Config.export(tmp_path / "code.toml")
    document = tomllib.loads((tmp_path / "code.toml").read_text())
    assert document["DATA_NODE"]["dn"] == {"path": "code.pkl"}


def test_backup_and_restore_the_merged_config(tmp_path: Path) -> None:
    Config.configure_data_node("dn", path="code.pkl")
    Config.override(_write(tmp_path / "file.toml", '[DATA_NODE.dn]\npath = "file.pkl"\n'))
    merged = Config.serialize()
    Config.backup(tmp_path / "backup.toml")
    document = tomllib.loads((tmp_path / "backup.toml").read_text())
    assert document["DATA_NODE"]["dn"] == {
        "storage_type": "pickle",
        "scope": "SCENARIO:SCOPE",
        "path": "file.pkl",
    }
    Config._reset()
    Config.restore(tmp_path / "backup.toml")
    assert Config.serialize() == merged


def test_taipy_section_is_read_as_global_app(tmp_path: Path) -> None:
    Config.override(_write(tmp_path / "c.toml", '[TAIPY]\nname = "legacy"\n'))
    assert Config.global_config.name == "legacy"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[NOPE]\na = 1\n", r"unknown table \[NOPE\]"),
        ("[DATA_NODE.dn\n", "cannot be read"),
        ('[DATA_NODE.dn]\nscope = "WIDE:SCOPE"\n', r'\[DATA_NODE.dn\] scope: "WIDE:SCOPE" is not'),
        (
            '[TASK.t]\nfunction = "no_such_module.fn:function"\n',
            'Cannot import "no_such_module.fn"',
        ),
        ('[TASK.t]\ninputs = ["ghost:SECTION"]\n', 'TASK "t" inputs names DATA_NODE "ghost"'),
        ('[DATA_NODE."my input"]\n', "must be a table named by a Python identifier"),
    ],
)
def test_bad_files_are_loading_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Config.load(_write(tmp_path / "bad.toml", text))
    assert list(Config.data_nodes) == ["default"]


def test_missing_file_is_a_loading_error(tmp_path: Path) -> None:
    with pytest.raises(LoadingError, match="does not exist"):
        Config.override(tmp_path / "missing.toml")


def test_bad_env_file_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEDGERFLOW_CONFIG_PATH", str(tmp_path / "missing.toml"))
    with pytest.raises(LoadingError, match="named by LEDGERFLOW_CONFIG_PATH"):
        _ = Config.data_nodes


def test_export_refuses_values_toml_cannot_hold(tmp_path: Path) -> None:
    Config.configure_data_node("dn", default_data=object())
    with pytest.raises(ConfigurationError, match='DATA_NODE "dn", setting "default_data"'):
        Config.export(tmp_path / "c.toml")
    assert not (tmp_path / "c.toml").exists()
