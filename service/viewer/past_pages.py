"""Pages as of a past position without folding the whole log up to it.

A ``PastView`` folds one entity's events when it is looked up, but its cross-entity indexes (a
task's jobs, a scenario's submissions, a node's parents, the cache model) need every event up to
the position: seconds on a store of millions of events. The viewer's pages need those indexes
for a few entities only, so here they come from narrower folds:

- ``family_state``: the state of one scenario's family — the scenario, its cycle, sequences,
  tasks, data nodes, the jobs of its tasks and the submissions of all of these, plus the
  versions — folded from their own events up to the position, in log order. Exact for that
  family: colours, staleness and the cache model come out as a full fold would give them.
- ``existing``: ids of a live index that existed at the position (each looked up lazily).
- ``recent_created``: the newest entities of a kind created at or before the position, found
  by reading only that kind's creation events, backwards from the position in growing windows.

Which jobs belonged to a task, and which submissions to an entity, is read from the live
indexes: a job or submission deleted since the position is not shown in the past.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ledgerflow.projections.current import CurrentState
from ledgerflow.service.viewer.reading import LiveView, Reader
from ledgerflow.storage.codec import Record

__all__ = ["existing", "family_state", "recent_created"]

_WINDOW = 2_000


def existing(view: Any, table: str, ids: Iterable[str]) -> list[str]:
    """The ids of ``table`` that existed in ``view`` (all of them for the live view)."""
    if isinstance(view, LiveView):
        return list(ids)
    rows = getattr(view.state, table)
    return [i for i in ids if rows.get(i) is not None]


def family_state(reader: Reader, view: Any, scenario_id: str) -> CurrentState:
    """The state of scenario ``scenario_id``'s family at the view's position (the live state now)."""
    if isinstance(view, LiveView):
        state: CurrentState = view.state
        return state
    live = reader.live().state
    past = view.state
    scenario = past.scenarios[scenario_id]
    ids = {scenario_id, *scenario.sequence_ids, *scenario.task_ids, *scenario.additional_data_node_ids}
    if scenario.cycle_id:
        ids.add(scenario.cycle_id)
    for task_id in scenario.task_ids:
        task = past.tasks.get(task_id)
        if task is not None:
            ids.update(task.input_ids, task.output_ids)
        ids.update(live.task_jobs.get(task_id, ()))
    for entity_id in [scenario_id, *scenario.sequence_ids, *scenario.task_ids]:
        ids.update(live.entity_submissions.get(entity_id, ()))
    position = view.position
    with reader.lock:
        records: dict[int, Record] = {r.position: r for r in reader.store.events_with_prefix("VERSION_", position)}
        for entity_id in ids:
            records.update((r.position, r) for r in reader.store.events_of(entity_id) if r.position <= position)
    family = CurrentState()
    family.apply_all((records[p] for p in sorted(records)), new=True)
    family.position = position
    return family


def recent_created(reader: Reader, topic: str, position: int, count: int) -> list[str]:
    """The ids of the last ``count`` entities created (``topic``) at or before ``position``, newest first."""
    found: list[str] = []
    until, window = position, _WINDOW
    with reader.lock:
        while until > 0 and len(found) < count:
            after = max(until - window, 0)
            page = [r.originator_id for r in _read_all(reader, topic, after, until)]
            found.extend(reversed(page))
            until, window = after, window * 4
    return found[:count]


def _read_all(reader: Reader, topic: str, after: int, until: int) -> list[Record]:
    records: list[Record] = []
    while batch := reader.store.read(after, 1_000, until, [topic]):
        records.extend(batch)
        after = batch[-1].position
    return records
