"""Whether a job must run: Taipy's rule on the outputs' validity and edit times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ledgerflow.projections.current import CurrentState
from ledgerflow.projections.views import DataNodeView, TaskView


def _last_edit(node: DataNodeView) -> datetime | None:
    return node.edits[-1].timestamp if node.edits else None


def _expired(node: DataNodeView, now: datetime) -> bool:
    last = _last_edit(node)
    if last is None or node.validity_period is None:
        return False
    moment = now.astimezone(last.tzinfo) if last.tzinfo is not None else now
    return moment > last + timedelta(seconds=node.validity_period)


def needs_to_run(state: CurrentState, task: TaskView, now: datetime) -> str | None:
    """Why the task must run, or None when it can be skipped."""
    if not task.skippable:
        return "task is not skippable"
    if not task.output_ids:
        return "task has no outputs"
    outputs = [state.data_nodes[i] for i in task.output_ids]
    for node in outputs:
        if not node.edits:
            return f"output {node.config_id} was never written"
        if _expired(node, now):
            return f"output {node.config_id} expired"
    if not task.input_ids:
        return None
    inputs = [state.data_nodes[i] for i in task.input_ids]
    newest_input = max((e for e in (_last_edit(n) for n in inputs) if e is not None), default=None)
    oldest_output = min(e for e in (_last_edit(n) for n in outputs) if e is not None)
    if newest_input is not None and newest_input > oldest_output:
        changed = [n.config_id for n in inputs if (_last_edit(n) or oldest_output) > oldest_output]
        return f"input {', '.join(changed)} changed"
    return None


@dataclass(frozen=True)
class Decision:
    """Run or skip a job, why, and the cache key its outputs will be recorded under."""

    run: bool
    reason: str
    fingerprint: str | None = None


def decide(state: CurrentState, task: TaskView, force: bool, now: datetime) -> Decision:
    """The decision for one job of ``task``."""
    if force:
        return Decision(True, "forced")
    reason = needs_to_run(state, task, now)
    return Decision(False, "outputs are up to date") if reason is None else Decision(True, reason)
