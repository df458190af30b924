"""Taipy's ``ReasonCollection``: the answer of ``is_submittable``, ``is_deletable``... — truthy when
nothing stands in the way, else falsy with the reasons (``.reasons``), by entity."""

from __future__ import annotations

from typing import Any, Protocol

from ledgerflow.domain.ids import entity_kind
from ledgerflow.projections.current import CurrentState

_TABLES = {
    "SCENARIO": "scenarios",
    "SEQUENCE": "sequences",
    "TASK": "tasks",
    "DATANODE": "data_nodes",
    "CYCLE": "cycles",
    "JOB": "jobs",
    "SUBMISSION": "submissions",
}


class _HasState(Protocol):
    @property
    def state(self) -> CurrentState: ...
    def visible(self, version: str) -> bool: ...


class Reason:
    """One thing that stands in the way, about one entity."""

    def __init__(self, entity_id: str, text: str) -> None:
        self.entity_id = entity_id
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Reason({self.entity_id!r}, {self.text!r})"


class ReasonCollection:
    """Reasons by entity id; true when there are none."""

    def __init__(self) -> None:
        self._reasons: dict[str, list[Reason]] = {}

    def _add_reason(self, entity_id: str, reason: Reason | str) -> ReasonCollection:
        found = reason if isinstance(reason, Reason) else Reason(entity_id, reason)
        self._reasons.setdefault(entity_id, []).append(found)
        return self

    def __bool__(self) -> bool:
        return not self._reasons

    def __eq__(self, other: object) -> bool:
        if isinstance(other, bool):
            return bool(self) is other
        return isinstance(other, ReasonCollection) and self.reasons == other.reasons

    __hash__ = None  # type: ignore[assignment]

    @property
    def reasons(self) -> str:
        """Every reason, joined by "; " and ending with a period ("" when there is none)."""
        texts = [str(r).rstrip(".") for rs in self._reasons.values() for r in rs]
        return "; ".join(texts) + "." if texts else ""

    def __repr__(self) -> str:
        return f"ReasonCollection({self.reasons!r})" if self._reasons else "ReasonCollection(True)"


def exists(source: _HasState, entity_id: str) -> ReasonCollection:
    """Reasons why ``entity_id`` is not an entity this run sees (none if it is)."""
    collection = ReasonCollection()
    kind = entity_kind(entity_id)
    table = _TABLES.get(kind or "")
    view: Any = getattr(source.state, table).get(entity_id) if table else None
    if view is None or not source.visible(view.version):
        collection._add_reason(entity_id, f"Entity {entity_id} does not exist in the repository")
    return collection


def submittable(source: _HasState, entity_id: str) -> ReasonCollection:
    """Reasons why ``entity_id`` cannot run now: not submittable, or inputs unwritten or being edited."""
    collection = exists(source, entity_id)
    if not collection:
        return collection
    state = source.state
    kind = entity_kind(entity_id)
    if kind == "TASK":
        task_ids = [entity_id]
    elif kind == "SCENARIO":
        task_ids = list(state.scenarios[entity_id].task_ids)
    elif kind == "SEQUENCE":
        task_ids = list(state.sequences[entity_id].task_ids)
    else:
        return collection._add_reason(entity_id, f"Entity {entity_id} is not a submittable entity")
    tasks = [state.tasks[t] for t in task_ids if t in state.tasks]
    written_by_tasks = {o for t in tasks for o in t.output_ids} if kind != "TASK" else set()
    for node_id in dict.fromkeys(i for t in tasks for i in t.input_ids if i not in written_by_tasks):
        node = state.data_nodes.get(node_id)
        if node is None:
            continue
        if node.locked:
            collection._add_reason(node_id, f"DataNode {node_id} is being edited")
        elif not node.edits:
            collection._add_reason(node_id, f"DataNode {node_id} is not written")
    return collection


def promotable(source: _HasState, entity_id: str) -> ReasonCollection:
    """Reasons why a scenario cannot become primary: not a scenario, no cycle, or already primary."""
    collection = exists(source, entity_id)
    if not collection:
        return collection
    scenario = source.state.scenarios.get(entity_id)
    if scenario is None:
        return collection._add_reason(entity_id, f"Entity {entity_id} is not a scenario")
    if scenario.cycle_id is None:
        collection._add_reason(entity_id, f"Scenario {entity_id} does not belong to a cycle")
    elif scenario.is_primary:
        collection._add_reason(entity_id, f"Scenario {entity_id} is already the primary scenario of its cycle")
    return collection
