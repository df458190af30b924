"""Recording subscriptions of scenarios and sequences (what ``subscribe_scenario`` and
``Scenario.subscribe`` record); calling the subscribers is ``subscriptions.py``'s work."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ledgerflow.domain.config.functions import function_reference, why_not_recordable
from ledgerflow.domain.errors import LedgerflowError, NonExistingEntity
from ledgerflow.domain.subscribers import Subscribers, subscribers_id
from ledgerflow.runtime.runtime import Runtime

if TYPE_CHECKING:
    from ledgerflow.service.entities.scenario import Scenario, Sequence

Callback = Callable[..., Any]
Visible = Callable[[str], bool]
_JSON = (str, int, float, bool, type(None))


def _reference(callback: Callback) -> str:
    why = why_not_recordable(callback)
    if why is not None:
        raise LedgerflowError(
            f"The callback {callback!r} cannot be subscribed: {why}. Define it at module level, so it "
            "can be recorded by name and called from any process."
        )
    return function_reference(callback)


def _recordable(params: Any, where: str) -> list[Any]:
    """The parameters as recorded (tuples become lists); a clear error for what JSON cannot hold."""

    def normal(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [normal(item) for item in value]
        if isinstance(value, dict) and all(isinstance(key, str) for key in value):
            return {key: normal(item) for key, item in value.items()}
        if isinstance(value, _JSON):
            return value
        raise LedgerflowError(
            f"{where}: parameter {value!r} cannot be recorded. Give strings, numbers, booleans, None, "
            "or lists and dicts of them (pass an entity by its id)."
        )

    return [normal(value) for value in params or []]


def _targets(runtime: Runtime, visible: Visible, kind: str, entity: Scenario | Sequence | None) -> list[str]:
    views: Any = runtime.state.scenarios if kind == "scenario" else runtime.state.sequences
    if entity is None:
        return [entity_id for entity_id, view in views.items() if visible(view.version)]
    if entity.id not in views:
        raise NonExistingEntity(f"{entity.id} does not exist (it may have been deleted).")
    return [entity.id]


def _subscribers(runtime: Runtime, entity_id: str) -> Subscribers | None:
    try:
        return runtime.aggregate(Subscribers, subscribers_id(entity_id))
    except NonExistingEntity:
        return None


def subscribe(kind: str, callback: Callback, params: Any, entity: Any, runtime: Runtime, visible: Visible) -> None:
    """Record ``callback`` (and ``params``) as a subscriber of ``entity`` (None: every visible one of ``kind``)."""
    reference = _reference(callback)
    values = _recordable(params, f"subscribe_{kind}({reference})")

    def add() -> list[Subscribers]:
        changed = []
        for entity_id in _targets(runtime, visible, kind, entity):
            aggregate = _subscribers(runtime, entity_id) or Subscribers(
                id=subscribers_id(entity_id), entity_id=entity_id
            )
            aggregate.add(reference, values)
            changed.append(aggregate)
        return changed

    runtime.command(add, reason=f"subscribe {reference}")


def unsubscribe(kind: str, callback: Callback, params: Any, entity: Any, runtime: Runtime, visible: Visible) -> None:
    """Remove a subscription (with ``params`` None, the first one of ``callback``)."""
    reference = function_reference(callback)
    values = None if params is None else _recordable(params, f"unsubscribe_{kind}({reference})")

    def remove() -> list[Subscribers]:
        changed = []
        for entity_id in _targets(runtime, visible, kind, entity):
            aggregate = _subscribers(runtime, entity_id)
            index = aggregate.find(reference, values) if aggregate is not None else None
            if aggregate is None or index is None:
                if entity is not None:
                    raise LedgerflowError(f"{reference} is not subscribed to {entity_id}: nothing to unsubscribe.")
                continue
            aggregate.remove(index)
            changed.append(aggregate)
        return changed

    runtime.command(remove, reason=f"unsubscribe {reference}")
