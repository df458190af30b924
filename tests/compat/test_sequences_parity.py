"""Sequences added to, changed in and removed from a scenario, with Taipy's rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ledgerflow as tp
from ledgerflow import Config


def plus_one(x: int) -> int:
    return x + 1


@pytest.fixture
def scenario(tp_workdir: Path) -> Any:
    a = Config.configure_data_node("a", default_data=1)
    b = Config.configure_data_node("b")
    c = Config.configure_data_node("c")
    t1 = Config.configure_task("t1", plus_one, a, b)
    t2 = Config.configure_task("t2", plus_one, b, c)
    config = Config.configure_scenario("s", [t1, t2])
    tp.Orchestrator().run()
    return tp.create_scenario(config)


def test_add_and_submit_a_sequence(scenario: Any) -> None:
    scenario.add_sequence("my seq", [scenario.t1], {"owner": "me"})
    sequence = scenario.sequences["my seq"]
    assert sequence.id == f"SEQUENCE_myTPSPACEseq_{scenario.id}"
    assert sequence.properties == {"owner": "me"}
    assert list(sequence.tasks) == ["t1"]
    assert tp.get(sequence.id) == sequence
    tp.submit(sequence)
    assert scenario.b.read() == 2 and scenario.c.read() is None
    with pytest.raises(tp.exceptions.SequenceAlreadyExists):
        scenario.add_sequence("my seq", [scenario.t2])


def test_tasks_outside_the_scenario_are_refused(scenario: Any) -> None:
    other = tp.create_scenario(Config.scenarios["s"])
    with pytest.raises(tp.exceptions.SequenceTaskDoesNotExistInScenario):
        scenario.add_sequence("bad", [other.t1])
    assert scenario.sequences == {}


def test_add_several_update_rename_and_remove(scenario: Any) -> None:
    scenario.add_sequences({"one": [scenario.t1], "two": [scenario.t2]})
    assert set(scenario.sequences) == {"one", "two"}
    scenario.update_sequence("one", [scenario.t1, scenario.t2], {"k": 1})
    assert list(scenario.sequences["one"].tasks) == ["t1", "t2"]
    assert scenario.sequences["one"].properties == {"k": 1}
    scenario.rename_sequence("one", "first")
    assert set(scenario.sequences) == {"first", "two"}
    assert scenario.sequences["first"].id == f"SEQUENCE_first_{scenario.id}"
    with pytest.raises(tp.exceptions.NonExistingSequence):
        scenario.rename_sequence("one", "again")
    scenario.remove_sequences(["first", "two"])
    assert scenario.sequences == {}
    assert set(scenario.tasks) == {"t1", "t2"}  # the tasks stay
    scenario.add_sequence("first", [scenario.t2])  # a name used before: defined again
    assert list(scenario.sequences["first"].tasks) == ["t2"]
    with pytest.raises(tp.exceptions.NonExistingSequence):
        scenario.remove_sequence("nope")
