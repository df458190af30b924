"""``ledgerflow jobs``: the jobs queued or running now, whichever process submitted them.

Read from the log (a private fold, nothing recorded): every job not finished yet, with its task,
status and since when, its submission and the process that recorded the submission (``user@host:pid``,
the events' actor) — and whether that process still runs, when it is on this machine.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime

from ledgerflow.service.stores import reading
from ledgerflow.service.workflow.stored_plan import read_state

__all__ = ["LiveJob", "unfinished_jobs"]


@dataclass(frozen=True)
class LiveJob:
    """A job queued or running: what, since when, for which submission, in which process."""

    id: str
    task: str
    status: str
    since: datetime
    submission_id: str
    version: str
    process: str  # user@host:pid of the submission, or "" when unknown
    process_state: str  # "running", "gone" (a dead process: the next start resumes it), "" (unknown)


def _process_state(actor: str) -> str:
    host, _, pid = actor.rpartition("@")[2].rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return ""
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return "gone"
    except PermissionError:
        return "running"  # another user's process
    return "running"


def unfinished_jobs(storage_folder: str, event_store: str | None) -> list[LiveJob]:
    """The jobs not finished yet, oldest first ([] when there is no store)."""
    state = read_state(storage_folder, event_store)
    if state is None:
        return []
    waiting = sorted((j for j in state.jobs.values() if not j.status.is_finished), key=lambda j: j.creation_date)
    if not waiting:
        return []
    actors: dict[str, str] = {}
    with reading(storage_folder, event_store) as reader:
        for submission_id in {j.submission_id for j in waiting}:
            events = reader.store.events_of(submission_id)
            actors[submission_id] = str(events[0].meta.get("actor") or "") if events else ""
    found = []
    for job in waiting:
        task = state.tasks.get(job.task_id)
        since = job.history[-1].timestamp if job.history else job.creation_date
        actor = actors.get(job.submission_id, "")
        found.append(
            LiveJob(
                job.id,
                task.config_id if task is not None else job.task_id,
                job.status.name,
                since,
                job.submission_id,
                job.version,
                actor,
                _process_state(actor) if actor else "",
            )
        )
    return found
