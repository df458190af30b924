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
- ``recent_created``: the newest entities of a kind created at or before the position: the
  live table (in creation order) cut at the position, each looked up as it was then.

Which jobs belonged to a task, which submissions to an entity, and which scenarios,
submissions and cycles existed are read from the live indexes: an entity deleted since the
position is not shown in the past pages (``lf.as_of`` and ``ledgerflow show --as-of`` show it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ledgerflow.projections.current import CurrentState
from ledgerflow.service.viewer.reading import LiveView, Reader
from ledgerflow.storage.codec import Record

__all__ = ["existing", "family_state", "recent_created"]


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
        ids.update(live.jobs_of(task_id))
    for entity_id in [scenario_id, *scenario.sequence_ids, *scenario.task_ids]:
        ids.update(live.submissions_of(entity_id))
    position = view.position
    with reader.lock:
        records: dict[int, Record] = {r.position: r for r in reader.store.events_with_prefix("VERSION_", position)}
        for entity_id in ids:
            records.update((r.position, r) for r in reader.store.events_of(entity_id) if r.position <= position)
    family = CurrentState()
    family.apply_all((records[p] for p in sorted(records)), new=True)
    family.position = position
    return family


def recent_created(reader: Reader, view: Any, table: str, count: int, skip: int = 0) -> list[Any]:
    """The last ``count`` (after ``skip``) entities of ``table`` created at or before the view's position.

    The live table keeps its entities in the order they were created, so a binary search on their
    creation positions (one indexed read each) finds where the position cuts it; each entity
    before the cut is then looked up as it was then.
    """
    rows = list(getattr(reader.live().state, table).values())
    position = view.position

    def created(index: int) -> int:
        events = reader.store.events_of(rows[index].id)
        return events[0].position if events else 0

    with reader.lock:
        low, high = 0, len(rows)
        while low < high:
            middle = (low + high) // 2
            if created(middle) <= position:
                low = middle + 1
            else:
                high = middle
    past = getattr(view.state, table)
    found: list[Any] = []
    for row in reversed(rows[:low]):
        then = past.get(row.id)
        if then is not None:
            found.append(then)
            if len(found) >= count + skip:
                break
    return found[skip:]
