"""Pure parts of ledgerflow.d6tflow: parameter values, requires-shapes, flow names, names in reasons."""

from __future__ import annotations

import datetime as dt

import pytest

from ledgerflow.service.d6tflow.multi import _experiments
from ledgerflow.service.d6tflow.parameters import (
    BoolParameter,
    DateParameter,
    DictParameter,
    FloatParameter,
    IntParameter,
    ListParameter,
    Parameter,
)
from ledgerflow.service.d6tflow.report import in_user_words
from ledgerflow.service.d6tflow.structure import flatten, map_tasks


def test_parameters_normalize_and_show_values_as_d6tflow_does() -> None:
    assert BoolParameter().normalize("False") is False and BoolParameter().serialize(True) == "True"
    assert IntParameter().normalize("3") == 3 and FloatParameter().normalize(1) == 1.0
    assert DateParameter().normalize("2024-01-31") == dt.date(2024, 1, 31)
    assert ListParameter().normalize(["a", ["b"]]) == ("a", ("b",)) and ListParameter().serialize(("a",)) == '["a"]'
    frozen = DictParameter().normalize({"b": 1, "a": [1]})
    assert hash(frozen) == hash(DictParameter().normalize({"a": [1], "b": 1}))
    assert DictParameter().serialize(frozen) == '{"a": [1], "b": 1}'
    assert not Parameter().has_default() and BoolParameter().has_default()


def test_requires_shapes_keep_their_form() -> None:
    shape = {"a": 1, "b": [2, 3]}
    assert map_tasks(shape, lambda t: t * 10) == {"a": 10, "b": [20, 30]}
    assert list(flatten(shape)) == [1, 2, 3] and list(flatten(None)) == [] and map_tasks(None, str) == []


def test_flow_names_as_d6tflow_generates_them() -> None:
    assert _experiments([{"x": 1}, {"x": 2}]) == {0: {"x": 1}, 1: {"x": 2}}
    grid = _experiments({"b": [1, 2], "a": ["u"]})
    assert grid == {"a_u_b_1": {"a": "u", "b": 1}, "a_u_b_2": {"a": "u", "b": 2}}
    with pytest.raises(TypeError, match="WorkflowMulti needs parameter sets"):
        _experiments({})


def test_reasons_name_tasks_as_users_wrote_them() -> None:
    names = {"TaskA_1": "TaskA()", "TaskA_1_data": "TaskA().data", "TaskB_2": "TaskB(x=<b>)"}
    text = "output TaskA_1_data was never written; upstream TaskA_1 ran; TaskB_2"
    assert in_user_words(text, names) == "output TaskA().data was never written; upstream TaskA() ran; TaskB(x=<b>)"
    assert in_user_words("nothing [markup]\n", {}) == "nothing [markup]\n"
