"""Functions named by import path: function_reference and resolve_function."""

from __future__ import annotations

import json

import pytest

from ledgerflow.domain.config import (
    FunctionNotImportable,
    ImportReference,
    function_reference,
    resolve_function,
)


def module_level(x: int) -> int:
    return x


class Holder:
    @staticmethod
    def method(x: int) -> int:
        return x


def test_reference_and_resolution_round_trip() -> None:
    assert function_reference(module_level) == "test_config_functions.module_level"
    assert resolve_function("test_config_functions.module_level") is module_level
    assert function_reference(Holder.method) == "test_config_functions.Holder.method"
    assert resolve_function("test_config_functions.Holder.method") is Holder.method
    assert resolve_function("json.JSONEncoder") is json.JSONEncoder
    assert function_reference(ImportReference("a.b")) == "a.b"


@pytest.mark.parametrize(
    ("reference", "hint"),
    [
        ("no_such_module.fn", "define it at module level"),
        ("test_config_functions.missing", "define it at module level"),
        ("__main__.gone", "__main__ script of another process"),
    ],
)
def test_unresolvable_references(reference: str, hint: str) -> None:
    with pytest.raises(FunctionNotImportable, match=hint):
        resolve_function(reference)


def test_import_reference_is_lazy() -> None:
    reference = ImportReference("no_such_module.fn")
    with pytest.raises(FunctionNotImportable):
        reference()
    assert ImportReference("test_config_functions.module_level")(5) == 5
