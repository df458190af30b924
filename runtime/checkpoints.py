"""The current state's checkpoint in the event store: saved in parts, restored part by part.

A start-up reads only the parts listing scenarios needs; the others are fetched when first used.
If other processes saved newer checkpoints meanwhile and the parts this state came from are gone,
the missing part is folded again from the log up to the checkpoint's position (slow, logged).
Checkpoints of other versions of the projection code can't be read: saving removes them. A
checkpoint is plain data bound to the log's hash chain (``projections/checkpoint.py``): one that
fails its checks is not used, with a warning, and the log is folded instead.
"""

from __future__ import annotations

import logging
from dataclasses import fields
from functools import cache

from ledgerflow.projections.checkpoint import (
    EAGER_FIELDS,
    SEAL,
    STATE_CHECKPOINTS,
    checkpoint_name,
    dump_parts,
    load_state,
    seal_problem,
)
from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.read_back import LogReadBack
from ledgerflow.storage.eventstore import EventStore

__all__ = ["check_saved_state", "load_saved_state", "save_state"]

log = logging.getLogger(__name__)


def save_state(store: EventStore, state: CurrentState) -> None:
    """Save ``state`` as the checkpoint at its position; drop those older code left (they can't be read)."""
    name = checkpoint_name()
    link = store.chain.link_at(state.position)
    if link is None:  # the log has no link there (a store of an older version not yet linked)
        log.warning("No checkpoint saved: the log's hash chain has no link at position %d", state.position)
        return
    store.checkpoints.save_parts(name, state.position, dump_parts(state, link))
    for stale in store.checkpoints.names():
        if stale.startswith(STATE_CHECKPOINTS) and stale != name:
            store.checkpoints.delete(stale)


def check_saved_state(store: EventStore) -> tuple[int, str | None] | None:
    """The position of the checkpoint start-ups would load and why it would not be used (None: it
    would); None when there is no checkpoint. Reads every part (``ledgerflow audit verify``)."""
    name = checkpoint_name()
    saved = store.checkpoints.load_parts(name, [SEAL])
    if saved is None:
        return None
    position, names, _ = saved
    parts = {part: store.checkpoints.load_part(name, position, part) for part in names}
    return position, seal_problem(parts, position, store.chain.link_at(position))


def load_saved_state(store: EventStore, until: int | None = None, *, lazy: bool = True) -> CurrentState:
    """The state of the checkpoint (only if saved at or before ``until``), else an empty one.

    The caller folds the log after ``state.position``. With ``lazy``, parts are fetched from ``store``
    when first used, so it must stay open as long as the state does.
    """
    name = checkpoint_name()
    wanted = [*EAGER_FIELDS, SEAL] if lazy else [*(f.name for f in fields(CurrentState)), SEAL]
    saved = store.checkpoints.load_parts(name, wanted)
    if saved is None or (until is not None and saved[0] > until):
        return CurrentState()
    position, names, eager = saved

    def fetch(part: str) -> bytes | None:
        return store.checkpoints.load_part(name, position, part)

    @cache
    def refold() -> CurrentState:
        state = CurrentState()
        state.apply_all(store.iter_records(until=position), new=True)
        return state

    try:
        state = load_state(names, eager, fetch, refold, position=position, link=store.chain.link_at(position))
        # jobs, submissions and writes that left memory before the checkpoint, as of the position asked for
        state.set_read_back(LogReadBack(store, state, until))
        return state
    except Exception as error:  # a checkpoint only saves time: the log has everything
        log.warning(
            "The checkpoint at position %d cannot be read (%s): folding the log from the start", position, error
        )
        return CurrentState()
