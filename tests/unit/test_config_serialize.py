"""Config.serialize(): the recorded form of the merged config; deserialize() reads it back."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from ledgerflow.domain.config import AppliedConfig, Config, ImportReference
from ledgerflow.domain.enums import Frequency, Scope
from ledgerflow.domain.errors import ConfigurationError


def example_algorithm(entry: str) -> str:
    return entry


def _seed() -> None:
    input_cfg = Config.configure_data_node("my_input", default_data="a_string")
    output_cfg = Config.configure_data_node("my_output")
    task_cfg = Config.configure_task("example_algorithm", example_algorithm, input_cfg, output_cfg)
    Config.configure_scenario("my_scenario", [task_cfg])


def test_serialize_the_seed_example() -> None:
    _seed()
    assert Config.serialize() == {
        "CORE": {
            "force": "False:bool",
            "mode": "development",
            "storage_folder": ".ledgerflow/",
            "version_number": "",
        },
        "DATA_NODE": {
            "my_input": {
                "default_data": "a_string",
                "scope": "SCENARIO:SCOPE",
                "storage_type": "pickle",
            },
            "my_output": {"scope": "SCENARIO:SCOPE", "storage_type": "pickle"},
        },
        "JOB": {"max_nb_of_workers": "2:int", "mode": "development"},
        "SCENARIO": {
            "my_scenario": {
                "additional_data_nodes": [],
                "comparators": {},
                "sequences": {},
                "tasks": ["example_algorithm:SECTION"],
            }
        },
        "TASK": {
            "example_algorithm": {
                "function": "test_config_serialize.example_algorithm:function",
                "inputs": ["my_input:SECTION"],
                "outputs": ["my_output:SECTION"],
                "skippable": "False:bool",
            }
        },
    }


def test_serialize_is_json_safe_and_order_stable() -> None:
    Config.configure_data_node("b", z=1, a=timedelta(1), nested={"y": 2, "x": [Scope.GLOBAL]})
    Config.configure_data_node("a")
    first = Config.serialize()
    Config._reset()
    Config.configure_data_node("a")
    Config.configure_data_node("b", nested={"x": [Scope.GLOBAL], "y": 2}, a=timedelta(1), z=1)
    second = Config.serialize()
    assert json.dumps(first) == json.dumps(second)
    assert list(first["DATA_NODE"]) == ["a", "b"]
    assert first["DATA_NODE"]["b"]["nested"] == {"x": ["GLOBAL:SCOPE"], "y": "2:int"}


def test_serialize_keeps_templates_and_names_unknown_objects_by_type() -> None:
    class Opaque:
        pass

    Config.configure_data_node("dn", password="ENV[SECRET]", default_data=Opaque())
    section = Config.serialize()["DATA_NODE"]["dn"]
    assert section["password"] == "ENV[SECRET]"
    assert section["default_data"].endswith("Opaque:object")


def test_deserialize_builds_a_detached_read_only_config_without_importing() -> None:
    _seed()
    document = Config.serialize()
    document["TASK"]["example_algorithm"]["function"] = "__main__.not_importable_here:function"
    snapshot = Config.deserialize(document)
    assert isinstance(snapshot, AppliedConfig)
    task = snapshot.tasks["example_algorithm"]
    assert task.function == ImportReference("__main__.not_importable_here")
    assert [dn.id for dn in task.input_configs] == ["my_input"]
    assert snapshot.data_nodes["my_input"].default_data == "a_string"
    assert snapshot.serialize() == document
    with pytest.raises(ConfigurationError, match="read-only"):
        snapshot.data_nodes["my_input"].scope = Scope.GLOBAL
    Config._reset()
    assert snapshot.scenarios["my_scenario"].task_configs == [task]


def test_deserialize_round_trips_every_section() -> None:
    Config.configure_global_app(name="app")
    Config.configure_job_executions(mode="standalone", max_nb_of_workers=3)
    dn = Config.configure_data_node("dn", validity_period=timedelta(hours=1), scope=Scope.CYCLE)
    task = Config.configure_task("t", example_algorithm, dn, None, skippable=True)
    Config.configure_scenario(
        "s",
        [task],
        frequency=Frequency.DAILY,
        comparators={"dn": example_algorithm},
        sequences={"seq": [task]},
    )
    Config.add_migration_function("2.0", dn, example_algorithm)
    document = Config.serialize()
    snapshot = Config.deserialize(document)
    assert snapshot.serialize() == document
    assert snapshot.job_config.max_nb_of_workers == 3
    assert snapshot.data_nodes["dn"].validity_period == timedelta(hours=1)
    assert snapshot.scenarios["s"].frequency is Frequency.DAILY
    reference: Any = snapshot.tasks["t"].function
    assert reference("x") == "x"  # imported only when called
