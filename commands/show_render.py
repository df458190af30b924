"""How ``ledgerflow show`` prints an entity: a heading, its facts, its data values and its jobs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from ledgerflow.commands.common import console
from ledgerflow.service.entities.datanode import DataNode
from ledgerflow.service.entities.job import Job, Submission
from ledgerflow.service.entities.scenario import Cycle, Scenario, Sequence
from ledgerflow.service.entities.task import Task
from ledgerflow.service.timetravel.view import PastView

__all__ = ["render_entity"]

_VALUE_WIDTH = 60
_STATUS_STYLE = {"COMPLETED": "green", "SKIPPED": "cyan", "FAILED": "red", "ABANDONED": "yellow", "CANCELED": "yellow"}


def _when(view: PastView) -> str:
    moment = f" ({view.moment:%Y-%m-%d %H:%M:%S})" if view.moment else ""
    return f"as of position {view.position:,}{moment}"


def _value(node: DataNode) -> Text:
    if node.get_last_edit() is None:
        return Text("no data", "dim")
    try:
        text = repr(node.read())
    except Exception as error:  # a value that no longer loads is shown, not fatal
        return Text(f"unreadable: {error}", "red")
    return Text(text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…")


def _status(name: str) -> Text:
    return Text(name, _STATUS_STYLE.get(name, ""))


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _facts(pairs: Iterable[tuple[str, Any]]) -> None:
    for label, value in pairs:
        if value not in (None, "", [], {}, set()):
            console.print(Text.assemble("  ", (label, "bold"), ": ", value if isinstance(value, Text) else str(value)))


def _nodes_table(nodes: Iterable[DataNode]) -> Table:
    table = _table("Data nodes", "config", "value", "writes", "last write", "by")
    for node in nodes:
        last = node.get_last_edit()
        by = (last.get("job_id") or last.get("editor") or "") if last else ""
        when = f"{last['timestamp']:%Y-%m-%d %H:%M:%S}" if last else ""
        table.add_row(node.config_id, _value(node), str(len(node.edits)), when, by)
    return table


def _jobs_table(jobs: Iterable[Job]) -> Table:
    table = _table("Jobs", "job", "task", "status", "submitted", "finished", "why")
    for job in sorted(jobs, key=lambda j: j.creation_date):
        records = job.status_change_records
        why = records[-1][2] or "" if records else ""
        finished = f"{job.finished_at:%H:%M:%S}" if job.finished_at else ""
        table.add_row(
            job.id,
            job.task.config_id,
            _status(job.status.name),
            f"{job.creation_date:%Y-%m-%d %H:%M:%S}",
            finished,
            why,
        )
    return table


def _jobs_of(view: PastView, tasks: Iterable[Task]) -> list[Job]:
    return [Job(j, view) for task in tasks for j in view.state.jobs_of(task.id) if j in view.state.jobs]


def _show_scenario(view: PastView, scenario: Scenario) -> None:
    _facts(
        [
            ("config", scenario.config_id),
            ("name", scenario.name),
            ("version", scenario.version),
            ("created", f"{scenario.creation_date:%Y-%m-%d %H:%M:%S}"),
            ("cycle", scenario.owner_id),
            ("primary", "yes" if scenario.is_primary else None),
            ("tags", ", ".join(sorted(scenario.tags))),
            ("sequences", ", ".join(scenario.sequences)),
        ]
    )
    console.print(_nodes_table(scenario.data_nodes.values()))
    tasks = _table("Tasks", "config", "inputs", "outputs", "skippable")
    for task in scenario.tasks.values():
        tasks.add_row(task.config_id, ", ".join(task.input), ", ".join(task.output), "yes" if task.skippable else "no")
    console.print(tasks)
    console.print(_jobs_table(_jobs_of(view, scenario.tasks.values())))


def _show_data_node(node: DataNode) -> None:
    _facts(
        [
            ("config", node.config_id),
            ("storage", node.storage_type),
            ("scope", node.scope.name),
            ("owner", node.owner_id),
            ("version", node.version),
            ("locked by", node.editor_id if node.edit_in_progress else None),
            ("value", _value(node)),
        ]
    )
    edits = _table("Writes", "#", "time", "kind", "hash", "size", "by", "comment")
    for number, edit in enumerate(node.edits, 1):
        by = edit["job_id"] or edit["editor"] or ""
        edits.add_row(
            str(number),
            f"{edit['timestamp']:%Y-%m-%d %H:%M:%S}",
            edit["kind"],
            edit["hash"][:12],
            f"{edit['size']:,}",
            by,
            edit["comment"] or "",
        )
    console.print(edits)


def _show_task(view: PastView, task: Task) -> None:
    _facts([("config", task.config_id), ("version", task.version), ("skippable", task.skippable)])
    console.print(_nodes_table([*task.input.values(), *task.output.values()]))
    console.print(_jobs_table(_jobs_of(view, [task])))


def _show_job(job: Job) -> None:
    _facts(
        [
            ("task", f"{job.task.config_id} ({job.owner_id})"),
            ("submission", job.submit_id),
            ("submitted entity", job.submit_entity_id),
            ("status", _status(job.status.name)),
            ("forced", "yes" if job.force else None),
        ]
    )
    changes = _table("Status changes", "status", "time", "why")
    for status, when, why in job.status_change_records:
        changes.add_row(_status(status.name), f"{when:%Y-%m-%d %H:%M:%S.%f}"[:-3], why or "")
    console.print(changes)
    console.print(_nodes_table([*job.task.input.values(), *job.task.output.values()]))
    if job.stacktrace:
        console.print(Text.assemble(("Traceback", "bold"), " (your code first):"))
        for line in job.stacktrace[:12]:
            console.print(f"  {line.rstrip()}", highlight=False)


def _show_submission(submission: Submission) -> None:
    _facts(
        [
            ("submitted", f"{submission.entity_type} {submission.entity_id}"),
            ("status", _status(submission.submission_status.name)),
            ("created", f"{submission.creation_date:%Y-%m-%d %H:%M:%S}"),
            ("re-run of", submission.rerun_of),
            ("properties", {k: v for k, v in submission.properties.items() if k != "rerun_of"}),
        ]
    )
    console.print(_jobs_table(submission.jobs))


def _show_sequence(view: PastView, sequence: Sequence) -> None:
    _facts([("name", sequence.name), ("scenario", sequence.scenario.id), ("version", sequence.version)])
    console.print(_nodes_table(sequence.data_nodes.values()))
    console.print(_jobs_table(_jobs_of(view, sequence.tasks.values())))


def _show_cycle(view: PastView, cycle: Cycle) -> None:
    _facts([("frequency", cycle.frequency.name), ("from", cycle.start_date), ("to", cycle.end_date)])
    scenarios = _table("Scenarios", "id", "config", "name", "primary")
    for scenario in view.get_scenarios(cycle=cycle):
        scenarios.add_row(scenario.id, scenario.config_id, scenario.name or "", "yes" if scenario.is_primary else "")
    console.print(scenarios)


def render_entity(view: PastView, entity: Any) -> None:
    """Print ``entity`` as ``view`` shows it."""
    console.print(Text.assemble((f"{type(entity).__name__} {entity.id}", "bold"), f" {_when(view)}"), highlight=False)
    if isinstance(entity, Scenario):
        _show_scenario(view, entity)
    elif isinstance(entity, DataNode):
        _show_data_node(entity)
    elif isinstance(entity, Task):
        _show_task(view, entity)
    elif isinstance(entity, Job):
        _show_job(entity)
    elif isinstance(entity, Submission):
        _show_submission(entity)
    elif isinstance(entity, Sequence):
        _show_sequence(view, entity)
    elif isinstance(entity, Cycle):
        _show_cycle(view, entity)
