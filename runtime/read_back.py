"""Jobs and submissions that left the in-memory projection, read back from the log with the same fields.

``projections/horizon.py`` lets finished submissions and their jobs leave memory; a lookup of one
(``lf.get``, ``submission.jobs``, the viewer...) folds its own events again, and gives it the name
its version has now (renames are the only later events of other entities that change such a view).
"""

from __future__ import annotations

from ledgerflow.projections.current import CurrentState
from ledgerflow.projections.views import JobView, SubmissionView
from ledgerflow.storage.eventstore import EventStore

#: Finished submissions (with their jobs) kept in memory unless ``keep_finished_jobs`` says otherwise.
KEEP_FINISHED = 10_000


def read_back(
    store: EventStore, state: CurrentState, entity_id: str, until: int | None = None
) -> JobView | SubmissionView | None:
    """The view of a job or submission that left memory (as of position ``until``); None if it did
    not exist or was deleted."""
    if not state.was_archived(entity_id):
        return None
    scratch = CurrentState()
    for record in store.events_of(entity_id):
        if until is None or record.position <= until:
            scratch.apply(record)
    view: JobView | SubmissionView | None = scratch.jobs.get(entity_id) or scratch.submissions.get(entity_id)
    if view is not None:
        view.version = state.version_renames.get(view.version, view.version)
    return view
