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

from ledgerflow.domain.config.functions import find_loaded, resolve_function
from ledgerflow.runtime.runtime import Runtime
from ledgerflow.service import session
from ledgerflow.service.entities.base import Source
from ledgerflow.service.entities.job import Job
from ledgerflow.service.entities.scenario import Scenario, Sequence
from ledgerflow.service.notifications.subscribing import Callback, subscribe, unsubscribe

log = logging.getLogger("ledgerflow")

_unresolvable: set[str] = set()


def _live() -> tuple[Runtime, Callable[[str], bool]]:
    current = session.for_writing()
    return current.runtime, current.visible


def subscribe_scenario(callback: Callback, params: list[Any] | None = None, scenario: Scenario | None = None) -> None:
    """Call ``callback(*params, scenario, job)`` on every status change of the scenario's future jobs."""
    subscribe("scenario", callback, params, scenario, *_live())


def unsubscribe_scenario(callback: Callback, params: list[Any] | None = None, scenario: Scenario | None = None) -> None:
    """Remove a subscription (with ``params`` None, the first one of ``callback``)."""
    unsubscribe("scenario", callback, params, scenario, *_live())


def subscribe_sequence(callback: Callback, params: list[Any] | None = None, sequence: Sequence | None = None) -> None:
    """Call ``callback(*params, sequence, job)`` on every status change of the sequence's future jobs."""
    subscribe("sequence", callback, params, sequence, *_live())


def unsubscribe_sequence(callback: Callback, params: list[Any] | None = None, sequence: Sequence | None = None) -> None:
    """Remove a sequence subscription (with ``params`` None, the first one of ``callback``)."""
    unsubscribe("sequence", callback, params, sequence, *_live())


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
