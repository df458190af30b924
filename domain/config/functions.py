"""Functions and classes named by their import path (``"module.qualname"``).

Configs are recorded in the log, so every function a config holds must be named by an import
path that another process can resolve. ``ImportReference`` stands for such a function without
importing it, which lets a recorded config be read where its code is not importable.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from typing import Any

from ledgerflow.domain.errors import ConfigurationError


class FunctionNotImportable(ConfigurationError):
    """A function or class named in a config cannot be imported."""


class ImportReference:
    """A function or class known only by its import path; imported when called or resolved."""

    __slots__ = ("kind", "reference")

    def __init__(self, reference: str, kind: str = "function") -> None:
        self.reference = reference
        self.kind = kind

    def resolve(self) -> Any:
        """Import the function or class now."""
        return resolve_function(self.reference)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ImportReference):
            return (self.reference, self.kind) == (other.reference, other.kind)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.reference, self.kind))

    def __repr__(self) -> str:
        return f"ImportReference({self.reference!r}, {self.kind!r})"


def function_reference(fn: Any) -> str:
    """The ``"module.qualname"`` import path of a function or class."""
    if isinstance(fn, ImportReference):
        return fn.reference
    module = getattr(fn, "__module__", None) or "builtins"
    qualname = getattr(fn, "__qualname__", None) or type(fn).__qualname__
    return f"{module}.{qualname}"


def resolve_function(reference: str) -> Any:
    """Import the function or class named ``"module.qualname"``."""
    parts = reference.split(".")
    for split in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:split])
        try:
            target: Any = importlib.import_module(module_name)
        except ImportError:
            continue
        try:
            for name in parts[split:]:
                target = getattr(target, name)
        except AttributeError:
            break
        return target
    hint = (
        "it was defined in the __main__ script of another process; move it to a module"
        if reference.startswith("__main__.")
        else "define it at module level in an importable module"
    )
    raise FunctionNotImportable(f'Cannot import "{reference}": {hint}.')


def find_loaded(reference: str) -> Any:
    """The object named ``reference`` among already imported modules (no import), or None."""
    parts = reference.split(".")
    for split in range(len(parts) - 1, 0, -1):
        target: Any = sys.modules.get(".".join(parts[:split]))
        if target is None:
            continue
        for name in parts[split:]:
            target = getattr(target, name, None)
        return target
    return None


def why_not_recordable(fn: Any) -> str | None:
    """Why ``fn`` cannot be recorded by import path, or None when it can."""
    if isinstance(fn, ImportReference):
        return None
    if not (inspect.isfunction(fn) or inspect.isbuiltin(fn) or inspect.isclass(fn)):
        return f"it is a {type(fn).__name__} object, not a function"
    qualname = getattr(fn, "__qualname__", "")
    if "<lambda>" in qualname:
        return "it is a lambda, which has no importable name"
    if "<locals>" in qualname:
        return "it is defined inside another function, so it has no importable name"
    if find_loaded(function_reference(fn)) is not fn:
        return f'it cannot be found under its name "{function_reference(fn)}"'
    return None
