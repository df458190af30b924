"""Checks of the functions a config holds: callable, recordable by import path, right arity."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from ledgerflow.domain.config.functions import (
    ImportReference,
    function_reference,
    why_not_recordable,
)
from ledgerflow.domain.config.issues import IssueCollector
from ledgerflow.domain.config.task import TaskConfig

MAIN_GUARD = '`if __name__ == "__main__":`'


@dataclass(frozen=True)
class FunctionRules:
    """What decides whether a function defined in ``__main__`` is acceptable."""

    job_mode: str
    main_guarded: bool

    @property
    def main_is_reachable(self) -> bool:
        """True when workers can reach functions defined in the ``__main__`` script."""
        return self.job_mode not in ("standalone", "cluster") or self.main_guarded


def check_function(
    issues: IssueCollector,
    fn: Any,
    where: str,
    field: str,
    tag: str,
    *,
    rules: FunctionRules,
    run_by_workers: bool,
) -> bool:
    """Record what is wrong with ``fn``; True when it is a usable function."""
    if not callable(fn):
        issues.error(field, fn, f"{where}: {field} {fn!r} is not callable. Give it a function.", tag)
        return False
    why = why_not_recordable(fn)
    if why is not None:
        issues.error(
            field,
            fn,
            f'{where}: {field} "{function_reference(fn)}" cannot be recorded: {why}. Define it '
            "at module level in an importable module.",
            tag,
        )
        return False
    in_main = getattr(fn, "__module__", None) == "__main__"
    if in_main and run_by_workers and not rules.main_is_reachable:
        issues.error(
            field,
            fn,
            f'{where}: {field} "{function_reference(fn)}" is defined in __main__, which '
            f"{rules.job_mode} workers cannot import. Move it to a module or guard the script "
            f"with {MAIN_GUARD}.",
            tag,
        )
        return False
    return True


def check_task(issues: IssueCollector, task: TaskConfig, rules: FunctionRules) -> None:
    """The function of a task, and whether it accepts the task's inputs."""
    where = f'Task "{task.id}"'
    if not task.input_configs:
        issues.warning("inputs", [], f"inputs field of TaskConfig `{task.id}` is empty.", "TASK")
    if not task.output_configs:
        issues.warning("outputs", [], f"outputs field of TaskConfig `{task.id}` is empty.", "TASK")
    if task.function is None:
        issues.error(
            "function",
            None,
            f"function field of TaskConfig `{task.id}` is empty. Give configure_task the function to run.",
            "TASK",
        )
        return
    if check_function(issues, task.function, where, "function", "TASK", rules=rules, run_by_workers=True):
        _check_arity(issues, task, where)


def _check_arity(issues: IssueCollector, task: TaskConfig, where: str) -> None:
    function = task.function
    if function is None or isinstance(function, ImportReference):
        return
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return
    name, count = function_reference(function), len(task.input_configs)
    positional = [
        p for p in parameters if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    required = sum(1 for p in positional if p.default is inspect.Parameter.empty)
    has_var_args = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters)
    if required <= count and (has_var_args or count <= len(positional)):
        for p in parameters:
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is inspect.Parameter.empty:
                issues.error(
                    "function",
                    task.function,
                    f'{where}: function "{name}" has the required keyword-only argument '
                    f'"{p.name}", which a task cannot pass. Give it a default value.',
                    "TASK",
                )
        return
    if has_var_args:
        accepted = f"at least {required}"
    elif required == len(positional):
        accepted = f"exactly {required}"
    else:
        accepted = f"{required} to {len(positional)}"
    plural = "input" if count == 1 else "inputs"
    issues.error(
        "function",
        task.function,
        f'{where}: function "{name}" takes {accepted} positional arguments but the task has '
        f"{count} {plural}. Make the function accept {count} arguments (one per input, in "
        "order), or change the task's inputs.",
        "TASK",
    )
