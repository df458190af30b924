"""What d6tflow prints: the preview tree and the execution summary, with the reasons ledgerflow adds.

The tree is d6tflow's (``└─--[TaskTrain-{'do_preprocess': 'True'} (PENDING)]``, one line per
task, its requirements below it); each line ends with why (``<- upstream TaskGetData() was
reset``). The summary keeps luigi's counts and wording; each task that ran or was skipped says why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ledgerflow.domain.enums import Status
from ledgerflow.service.d6tflow import engine
from ledgerflow.service.d6tflow.structure import flatten
from ledgerflow.service.entities.job import Job, Submission
from ledgerflow.service.workflow.plan import COMPLETE, WOULD_SKIP, TaskPlan
from ledgerflow.service.workflow.summary import duration

if TYPE_CHECKING:
    from ledgerflow.service.d6tflow.tasks import TaskData

PREVIEW_RULE = " ===== ledgerflow Execution Preview ===== "
SUMMARY_RULE = "===== ledgerflow Execution Summary ====="


def names_of(tasks: list[TaskData]) -> dict[str, str]:
    """Config ids of tasks and their nodes -> what a d6tflow user calls them."""
    names: dict[str, str] = {}
    for task in tasks:
        config = engine.task_config(task)
        names[config.id] = repr(task)
        names[config.id + engine.PARAMS] = f"parameters of {task!r}"
        names[config.id + engine.META] = f"metadata of {task!r}"
        for key in task.persist:
            names[engine.output_config(task, key).id] = f"{task!r}.{key}"
        for index, path in enumerate(type(task).watch):
            names[f"{config.id}{engine.WATCH}{index}"] = f"watched file {path}"
    return names


def in_user_words(text: str, names: Mapping[str, str]) -> str:
    """``text`` with every config id replaced by the name of the task or output it stands for."""
    if not names:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(names, key=len, reverse=True)))
    return pattern.sub(lambda m: names[m.group(0)], text)


def status_of(plan: TaskPlan | None) -> str:
    """COMPLETE or PENDING, as d6tflow shows a task."""
    return "COMPLETE" if plan is not None and plan.state in (WOULD_SKIP, COMPLETE) else "PENDING"


def tree(
    task: TaskData, plans: Mapping[str, TaskPlan], names: Mapping[str, str], indent: str = "", last: bool = True
) -> str:
    """d6tflow's tree of ``task`` and what it requires, each line with its status and why."""
    plan = plans.get(engine.task_config(task).id)
    line = "\n" + indent + ("└─--" if last else "|--")
    indent += "   " if last else "|  "
    line += f"[{task.task_family}-{task.to_str_params(only_significant=True)} ({status_of(plan)})]"
    if plan is not None:
        line += f" <- {in_user_words(plan.reason, names)}"
    children = list(flatten(task.requires()))
    for index, child in enumerate(children):
        line += tree(child, plans, names, indent, index == len(children) - 1)
    return line


def _why(job: Job) -> str:
    records = job.status_change_records
    ran = [r for s, _, r in records if s is Status.RUNNING and r]
    return (ran or [r for _, _, r in records if r] or [""])[-1]


def summary(submission: Submission, scheduled: list[TaskData], names: Mapping[str, str]) -> str:
    """luigi's execution summary of a submission: counts per outcome, each task with why."""
    by_config = {engine.task_config(t).id: t for t in scheduled}
    jobs = [j for j in submission.jobs if j.task.config_id in by_config]
    groups = {status: [j for j in jobs if j.status is status] for status in Status}
    lines = [SUMMARY_RULE, f"Scheduled {len(jobs)} tasks of which:"]

    def entries(label: str, group: list[Job], detail: bool = True, pad: str = "    ") -> None:
        if not group:
            return
        lines.append(f"{pad[:-4]}* {len(group)} {label}:")
        for job in group:
            shown = repr(by_config[job.task.config_id])
            if detail and job.status is Status.COMPLETED:
                shown += f" ({in_user_words(_why(job), names)}, {duration(job.execution_duration)})"
            elif detail and job.status is Status.FAILED:
                shown += f" ({job.status_change_records[-1][2] or 'failed'})"
            elif detail:
                shown += f" ({in_user_words(_why(job), names)})"
            lines.append(f"{pad}- 1 {shown}")

    entries("complete ones were encountered", groups[Status.SKIPPED])
    entries("ran successfully", groups[Status.COMPLETED])
    entries("failed", groups[Status.FAILED])
    left = groups[Status.ABANDONED] + groups[Status.CANCELED]
    if left:
        lines.append(f"* {len(left)} were left pending, among these:")
        entries("had failed dependencies", groups[Status.ABANDONED], detail=False, pad="        ")
        entries("were canceled", groups[Status.CANCELED], detail=False, pad="        ")
    if not groups[Status.COMPLETED] and not groups[Status.FAILED]:
        lines.append("")
        lines.append("Did not run any tasks")
    if groups[Status.FAILED] or left:
        lines.append("This progress looks :( because there were failed tasks")
    else:
        lines.append("This progress looks :) because there were no failed tasks or missing dependencies")
    lines.append(SUMMARY_RULE)
    return "\n".join(lines)


__all__ = ["PREVIEW_RULE", "SUMMARY_RULE", "in_user_words", "names_of", "status_of", "summary", "tree"]
