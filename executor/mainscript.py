"""Whether worker processes can reach the functions of the application's ``__main__`` script.

A worker loads the script as ``__mp_main__``, which runs its top level but not its
``if __name__ == "__main__":`` block. So a function defined in ``__main__`` is usable by workers
only when the script guards its entry point (an unguarded script would start the whole
application again in every worker) and the function is defined at the script's top level.
Interactive sessions, notebooks and ``python -c`` have no script: their functions are not usable.
"""

from __future__ import annotations

import ast
import sys
from functools import cache
from pathlib import Path
from typing import Any

from ledgerflow.domain.config.functions import FunctionNotImportable, function_reference

GUARD = 'if __name__ == "__main__":'


def main_script() -> str | None:
    """The path of the ``__main__`` script, if it is a file."""
    path = getattr(sys.modules.get("__main__"), "__file__", None)
    return str(Path(path).resolve()) if path and Path(path).is_file() else None


@cache
def _top_level(path: str) -> tuple[bool, frozenset[str]] | None:
    """(guarded, names defined at the top level) of a script, None if it cannot be parsed."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    guarded, names = False, set()
    for node in tree.body:
        if isinstance(node, ast.If) and _is_main_test(node.test):
            guarded = True
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return guarded, frozenset(names)


def _is_main_test(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.comparators) != 1:
        return False
    sides = [test.left, test.comparators[0]]
    names = [s.id for s in sides if isinstance(s, ast.Name)]
    texts = [s.value for s in sides if isinstance(s, ast.Constant)]
    return names == ["__name__"] and texts == ["__main__"]


def main_is_guarded() -> bool:
    """True when the ``__main__`` script guards its entry point with ``if __name__ == "__main__":``."""
    path = main_script()
    found = _top_level(path) if path else None
    return bool(found and found[0])


def why_workers_cannot_import(function: Any) -> str | None:
    """Why worker processes cannot import ``function`` (defined in ``__main__``), or None if they can."""
    reference = function if isinstance(function, str) else function_reference(function)
    if not reference.startswith("__main__."):
        return None
    path = main_script()
    if path is None:
        return "it is defined in an interactive session or notebook, which worker processes cannot import"
    found = _top_level(path)
    if found is None or not found[0]:
        return f"it is defined in the script {path}, which does not guard its entry point with `{GUARD}`"
    name = reference.removeprefix("__main__.").split(".")[0]
    if name not in found[1]:
        return f"it is defined inside the `{GUARD}` block of {path}, which worker processes do not run"
    return None


def check_for_workers(function: Any, where: str) -> None:
    """Raise ``FunctionNotImportable`` when worker processes could not import ``function``."""
    why = why_workers_cannot_import(function)
    if why is not None:
        reference = function if isinstance(function, str) else function_reference(function)
        raise FunctionNotImportable(
            f'{where}: function "{reference}" cannot run in a worker process: {why}. '
            f"Move it to a module, or guard the script with `{GUARD}` and define the function above it."
        )
