"""What the submission, job, data node and generic entity pages show.

A job's inputs are the values its task's input nodes held when it started running (their last
write before its RUNNING transition), its outputs the writes it made; both with content hashes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ledgerflow.domain.enums import Status
from ledgerflow.domain.errors import NonExistingEntity
from ledgerflow.projections.views import DataNodeView, Edit, JobView
from ledgerflow.service import queries
from ledgerflow.service.audit.history import LogEvent
from ledgerflow.service.entities.base import Source
from ledgerflow.service.viewer.links import Links
from ledgerflow.service.viewer.past_pages import existing
from ledgerflow.service.viewer.reading import Reader
from ledgerflow.service.viewer.timeline import timeline_of, timeline_svg
from ledgerflow.service.viewer.values import diff_values, preview, read_edit

__all__ = ["datanode_page", "entity_page", "job_page", "submission_page"]


def _events(reader: Reader, entity_id: str, position: int) -> list[LogEvent]:
    with reader.lock:
        records = reader.store.events_of(entity_id)
    return [LogEvent.from_record(r) for r in records if r.position <= position]


def _workers(reader: Reader, jobs: list[JobView], position: int) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for job in jobs:
        running = [e for e in _events(reader, job.id, position) if e.payload.get("status") == Status.RUNNING.value]
        found[job.id] = running[-1].actor if running else None
    return found


def submission_page(view: Source, reader: Reader, links: Links, submission_id: str) -> dict[str, Any]:
    """A submission's timeline (Gantt), its jobs and its properties."""
    queries.get(view, submission_id)
    state = view.state
    record = state.submissions[submission_id]
    jobs = [state.jobs[j] for j in record.job_ids if j in state.jobs]
    tasks = {j.task_id: state.tasks[j.task_id].config_id for j in jobs if j.task_id in state.tasks}
    timeline = timeline_of(jobs, tasks, _workers(reader, jobs, state.position), datetime.now(UTC))
    return {
        "submission": record,
        "timeline": timeline,
        "svg": timeline_svg(timeline, links.entity),
        "scenario_id": record.entity_id if record.entity_id.startswith("SCENARIO_") else None,
    }


def _input_edit(node: DataNodeView, started: datetime | None) -> Edit | None:
    if started is None:
        return node.edits[-1] if node.edits else None
    return node.edits.last_where(lambda e: e.timestamp <= started)


def job_page(view: Source, reader: Reader, job_id: str) -> dict[str, Any]:
    """A job: its transitions with reasons and actors, traceback, inputs and outputs with hashes."""
    queries.get(view, job_id)
    state = view.state
    job = state.jobs[job_id]
    task = state.tasks.get(job.task_id)
    events = _events(reader, job_id, state.position)
    actors = {e.payload.get("status"): e.actor for e in events}
    started = next((c.timestamp for c in reversed(job.history) if c.status is Status.RUNNING), None)
    inputs, outputs = [], []
    for node_id in task.input_ids if task else []:
        node = state.data_nodes.get(node_id)
        if node is not None:
            inputs.append((node, _input_edit(node, started)))
    for node_id in task.output_ids if task else []:
        node = state.data_nodes.get(node_id)
        if node is not None:
            outputs.append((node, node.edits.last_where(lambda e: e.job_id == job_id)))
    submission = state.submissions.get(job.submission_id)
    rerun_of = submission.properties.get("rerun_of") if submission is not None else None
    return {
        "job": job,
        "task": task,
        "changes": [(c, actors.get(c.status.value)) for c in job.history],
        "inputs": inputs,
        "outputs": outputs,
        "submission": submission,
        "rerun_of": rerun_of,
        "verdict": job.history[-1].reason if rerun_of and job.status.is_finished else None,
        "attempts": sum(c.status is Status.RUNNING for c in job.history),
    }


def _number(text: str | None, count: int) -> int | None:
    """A write number from the address: 1..count, else None."""
    if text is None or not text.strip().isdigit():
        return None
    number = int(text)
    return number if 1 <= number <= count else None


def datanode_page(view: Source, reader: Reader, node_id: str, query: dict[str, str]) -> dict[str, Any]:
    """A data node: every write, the value at a chosen write, a diff between two writes, its lock."""
    queries.get(view, node_id)
    state = view.state
    node = state.data_nodes[node_id]
    count = len(node.edits)
    chosen = _number(query.get("v"), count) or (count or None)
    first, second = _number(query.get("a"), count), _number(query.get("b"), count)
    diff = None
    if first and second:
        try:
            before = read_edit(view.backends, node, node.edits[first - 1])
            after = read_edit(view.backends, node, node.edits[second - 1])
            diff = diff_values(before, after)
        except Exception as error:  # a value that no longer loads is reported on the page
            from ledgerflow.service.viewer.values import Diff

            diff = Diff("error", [f"{type(error).__name__}: {error}"])
    return {
        "node": node,
        "chosen": chosen,
        "value": preview(view.backends, node, chosen) if chosen else None,
        "first": first,
        "second": second,
        "diff": diff,
        "parents": _parents(view, reader, node_id),
    }


def _parents(view: Source, reader: Reader, node_id: str) -> list[str]:
    """The tasks and scenarios that contained the node then (from the live index)."""
    parents = sorted(reader.live().state.parents.get(node_id, ()))
    tasks = set(existing(view, "tasks", [p for p in parents if p.startswith("TASK_")]))
    scenarios = set(existing(view, "scenarios", [p for p in parents if p.startswith("SCENARIO_")]))
    return [p for p in parents if p in tasks or p in scenarios]


def entity_page(view: Source, reader: Reader, entity_id: str) -> dict[str, Any]:
    """A task, sequence or cycle: its facts and its own events."""
    queries.get(view, entity_id)
    state = view.state
    for table in ("tasks", "sequences", "cycles"):
        record = getattr(state, table).get(entity_id)
        if record is not None:
            facts = {name: getattr(record, name) for name in record.__slots__ if not name.startswith("_")}
            live = reader.live().state.jobs_of(entity_id) if table == "tasks" else []
            jobs = existing(view, "jobs", live)
            return {
                "entity_id": entity_id,
                "kind": table[:-1],
                "facts": facts,
                "jobs": [state.jobs[j] for j in jobs if j in state.jobs][-20:],
                "history": _events(reader, entity_id, state.position)[-50:],
            }
    raise NonExistingEntity(f"{entity_id} has no page of its own.")
