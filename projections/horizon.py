"""The horizon of finished work: past it, submissions and their jobs leave the in-memory projection.

When a submission finishes it joins ``CurrentState.finished``; once more than
``CurrentState.keep_finished`` wait there, the oldest leaves memory with its jobs: their views,
revisions and places in the per-task and per-entity lists, leaving only their packed ids
(``archive.py``). Reads find them in the log (``runtime/read_back.py``), with the same fields.
"""

from __future__ import annotations

from ledgerflow.projections import archive
from ledgerflow.projections.state import CurrentState


def submission_finished(state: CurrentState, submission_id: str) -> None:
    """Note a finished submission; the oldest past the horizon leaves memory."""
    keep = state.keep_finished
    if keep is None or not archive.is_time_ordered(submission_id):
        return  # ids of older logs are random: kept in memory
    state.finished.append(submission_id)
    while len(state.finished) > keep:
        _leave_memory(state, state.finished.pop(0))


def _leave_memory(state: CurrentState, submission_id: str) -> None:
    submission = dict.get(state.submissions, submission_id)  # in memory only: the fold never reads the log
    if submission is None or not submission.status.is_finished:
        return  # deleted meanwhile, or resumed: stays
    jobs = [dict.get(state.jobs, j) for j in submission.job_ids]
    if any(job is None or not job.status.is_finished or not archive.is_time_ordered(job.id) for job in jobs):
        return
    left = state.__dict__.setdefault("_left", [])
    for job in jobs:
        assert job is not None
        del state.jobs[job.id]
        state.revisions.pop(job.id, None)
        _remove(state.task_jobs, job.task_id, job.id)
        archive.pack(state.archived_jobs, job.task_id, job.id)
        left.append(job.id)
        state.archived_through = max(state.archived_through, archive.creation_order(job.id))
    del state.submissions[submission_id]
    state.revisions.pop(submission_id, None)
    _remove(state.entity_submissions, submission.entity_id, submission_id)
    archive.pack(state.archived_submissions, submission.entity_id, submission_id)
    left.append(submission_id)
    state.archived_through = max(state.archived_through, archive.creation_order(submission_id))


def _remove(index: dict[str, list[str]], owner: str, entity_id: str) -> None:
    ids = index.get(owner)
    if ids is not None and entity_id in ids:
        ids.remove(entity_id)
        if not ids:
            del index[owner]
