"""Subscriptions: callbacks on every status change of the jobs of a scenario or sequence.

``lf.subscribe_scenario(callback, params=None, scenario=None)`` records the callback by import
path, with its parameters, in the log (as Taipy persists subscribers), so whichever process runs
the jobs calls it: ``callback(*params, scenario, job)`` for the jobs created after subscribing.
``scenario=None`` subscribes every existing scenario (not future ones). A callback that cannot be
imported where the jobs run — typically one defined in another script's ``__main__`` — is skipped
with one warning, never an error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ledgerflow.domain.config.functions import find_loaded, function_reference, resolve_function, why_not_recordable
from ledgerflow.domain.errors import LedgerflowError, NonExistingEntity
from ledgerflow.domain.subscribers import Subscribers, subscribers_id
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.service import session
from ledgerflow.service.entities.base import Source
from ledgerflow.service.entities.job import Job
from ledgerflow.service.entities.scenario import Scenario, Sequence

log = logging.getLogger("ledgerflow")

Callback = Callable[..., Any]
_JSON = (str, int, float, bool, type(None))
_unresolvable: set[str] = set()


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


def _targets(kind: str, entity: Scenario | Sequence | None) -> list[str]:
    current = session.current()
    views: Any = current.runtime.state.scenarios if kind == "scenario" else current.runtime.state.sequences
    if entity is None:
        return [entity_id for entity_id, view in views.items() if current.visible(view.version)]
    if entity.id not in views:
        raise NonExistingEntity(f"{entity.id} does not exist (it may have been deleted).")
    return [entity.id]


def _subscribers(runtime: Runtime, entity_id: str) -> Subscribers | None:
    try:
        return runtime.aggregate(Subscribers, subscribers_id(entity_id))
    except NonExistingEntity:
        return None


def _subscribe(kind: str, callback: Callback, params: Any, entity: Any) -> None:
    reference = _reference(callback)
    values = _recordable(params, f"subscribe_{kind}({reference})")
    runtime = session.current().runtime

    def add() -> list[Subscribers]:
        changed = []
        for entity_id in _targets(kind, entity):
            aggregate = _subscribers(runtime, entity_id) or Subscribers(
                id=subscribers_id(entity_id), entity_id=entity_id
            )
            aggregate.add(reference, values)
            changed.append(aggregate)
        return changed

    runtime.command(add, reason=f"subscribe {reference}")


def _unsubscribe(kind: str, callback: Callback, params: Any, entity: Any) -> None:
    reference = function_reference(callback)
    values = None if params is None else _recordable(params, f"unsubscribe_{kind}({reference})")
    runtime = session.current().runtime

    def remove() -> list[Subscribers]:
        changed = []
        for entity_id in _targets(kind, entity):
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


def subscribe_scenario(callback: Callback, params: list[Any] | None = None, scenario: Scenario | None = None) -> None:
    """Call ``callback(*params, scenario, job)`` on every status change of the scenario's future jobs."""
    _subscribe("scenario", callback, params, scenario)


def unsubscribe_scenario(callback: Callback, params: list[Any] | None = None, scenario: Scenario | None = None) -> None:
    """Remove a subscription (with ``params`` None, the first one of ``callback``)."""
    _unsubscribe("scenario", callback, params, scenario)


def subscribe_sequence(callback: Callback, params: list[Any] | None = None, sequence: Sequence | None = None) -> None:
    """Call ``callback(*params, sequence, job)`` on every status change of the sequence's future jobs."""
    _subscribe("sequence", callback, params, sequence)


def unsubscribe_sequence(callback: Callback, params: list[Any] | None = None, sequence: Sequence | None = None) -> None:
    """Remove a sequence subscription (with ``params`` None, the first one of ``callback``)."""
    _unsubscribe("sequence", callback, params, sequence)


def _resolve(reference: str) -> Callback | None:
    found = find_loaded(reference)
    if callable(found):
        return found  # type: ignore[no-any-return]
    try:
        resolved = resolve_function(reference)
    except Exception as error:
        if reference not in _unresolvable:
            _unresolvable.add(reference)
            log.warning(
                "Subscriber %s cannot be imported in this process (%s): it is skipped. Define it in a module "
                "to have it called from every process.",
                reference,
                error,
            )
        return None
    return resolved if callable(resolved) else None


def notify_subscribers(source: Source, submission_id: str, job_id: str) -> None:
    """Call the subscribers of the submitted scenario or sequence about a job's status change.

    ``source``: where the entities handed to the callbacks read their state.
    """
    state = source.state
    submission = state.submissions.get(submission_id)
    job = state.jobs.get(job_id)
    if submission is None or job is None:
        return
    subscribers = state.subscribers.get(submission.entity_id)
    if not subscribers:
        return
    entity: Scenario | Sequence = (
        Sequence(submission.entity_id, source)
        if submission.entity_type == "SEQUENCE"
        else Scenario(submission.entity_id, source)
    )
    for subscriber in list(subscribers):
        if job.creation_date < subscriber.since:
            continue
        callback = _resolve(subscriber.callback)
        if callback is None:
            continue
        try:
            callback(*subscriber.params, entity, Job(job_id, source))
        except Exception:
            log.exception("Subscriber %s failed for job %s", subscriber.callback, job_id)
