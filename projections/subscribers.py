"""Fold steps of subscriptions: the callbacks of each scenario and sequence, in subscription order.

Registered on ``projections.state``'s handler table when ``projections.current`` loads.
"""

from __future__ import annotations

from ledgerflow.projections.records import RecordLike
from ledgerflow.projections.state import CurrentState, handles
from ledgerflow.projections.views import Subscriber


def _entity_id(r: RecordLike) -> str:
    return r.originator_id.removeprefix("SUBSCRIBERS_")


@handles("ledgerflow.subscribers.created")
def _created(state: CurrentState, r: RecordLike) -> None:
    state.subscribers.setdefault(_entity_id(r), [])


@handles("ledgerflow.subscribers.added")
def _added(state: CurrentState, r: RecordLike) -> None:
    subscriber = Subscriber(r.payload["callback"], list(r.payload["params"]), r.timestamp)
    state.subscribers.setdefault(_entity_id(r), []).append(subscriber)


@handles("ledgerflow.subscribers.removed")
def _removed(state: CurrentState, r: RecordLike) -> None:
    subscribers = state.subscribers.get(_entity_id(r), [])
    index = r.payload["index"]
    if 0 <= index < len(subscribers):
        del subscribers[index]
