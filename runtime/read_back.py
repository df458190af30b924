"""What left the in-memory projection, read back from the log with the same fields.

``projections/horizon.py`` lets finished submissions and their jobs leave memory; a lookup of one
(``lf.get``, ``submission.jobs``, the viewer...) folds its own events again, and gives it the name
its version has now (renames are the only later events of other entities that change such a view).
A listing reads many back in few queries. The older writes of data nodes
(``projections/edit_history.py``) are read by ``runtime/older_writes.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ledgerflow.domain.errors import IncompleteLog
from ledgerflow.projections.current import CurrentState, ReplayGapError
from ledgerflow.projections.edit_history import Edit
from ledgerflow.projections.views import JobView, SubmissionView
from ledgerflow.runtime.older_writes import read_writes
from ledgerflow.storage.codec import Record
from ledgerflow.storage.eventstore import EventStore

#: Finished submissions (with their jobs) kept in memory unless ``keep_finished_jobs`` says otherwise.
KEEP_FINISHED = 10_000


class LogReadBack:
    """Reads what left ``state``'s memory from ``store`` (as of position ``until``: None, the end)."""

    def __init__(self, store: EventStore, state: CurrentState, until: int | None = None) -> None:
        self.store = store
        self.state = state
        self.until = until

    def view(self, entity_id: str) -> JobView | SubmissionView | None:
        """The view of a job or submission that left memory; None if it did not exist or was deleted."""
        if not self.state.was_archived(entity_id):
            return None
        return self._folded(entity_id, self.store.events_of(entity_id))

    def views(self, entity_ids: Sequence[str]) -> dict[str, JobView | SubmissionView]:
        """The views of many that left memory, read in few queries and folded together (deleted ones left out)."""
        wanted = [i for i in entity_ids if self.state.was_archived(i)]
        scratch = CurrentState()
        found: dict[str, JobView | SubmissionView] = {}
        for entity_id, records in self.store.events_of_many(wanted).items():
            view = self._folded(entity_id, records, scratch)
            if view is not None:
                found[entity_id] = view
        return found

    def writes(self, node_id: str, count: int) -> list[Edit]:
        """The first ``count`` writes of a data node."""
        return read_writes(self.store, node_id, count)

    def _folded(
        self, entity_id: str, records: list[Record], scratch: CurrentState | None = None
    ) -> JobView | SubmissionView | None:
        """The entity's view after its ``records`` (folded into ``scratch``: entities read together share one)."""
        scratch = CurrentState() if scratch is None else scratch
        try:
            for record in records:
                if self.until is None or record.position <= self.until:
                    scratch.apply(record)
        except (ReplayGapError, KeyError) as error:
            raise IncompleteLog(
                f"The log lacks events of {entity_id} (its creation?), which left memory: it cannot be read back. "
                "`ledgerflow audit verify` checks the log."
            ) from error
        view: JobView | SubmissionView | None = scratch.jobs.get(entity_id) or scratch.submissions.get(entity_id)
        if view is not None:
            view.version = self.state.version_renames.get(view.version, view.version)
        return view
