"""Replay: rebuild the projection from position 0 of the log and compare it with the live state.

``lf.replay(verify=True)`` folds every event again into a fresh ``CurrentState`` and reports each
difference from the live projection in readable form; the live state is left alone. With
``verify=False`` the rebuilt state replaces the live projection and its checkpoint (a repair).
Commands wait while a replay runs, so both states describe the same position.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from ledgerflow.projections.compare import state_differences
from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.checkpoints import load_saved_state, save_state
from ledgerflow.runtime.fold_progress import FoldProgress, reporting
from ledgerflow.runtime.read_back import KEEP_FINISHED
from ledgerflow.service import session
from ledgerflow.storage.codec import Record
from ledgerflow.storage.eventstore import EventStore

_SHOWN = 50


@dataclass
class ReplayReport:
    """What a replay folded, how fast, and how the rebuilt state differs from the compared one."""

    position: int
    events: int
    seconds: float
    compared_with: str | None = None
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the rebuilt state equals the compared one (or nothing was compared)."""
        return not self.differences

    @property
    def events_per_second(self) -> float:
        """Replay speed."""
        return self.events / self.seconds if self.seconds > 0 else float("inf")

    def __str__(self) -> str:
        head = (
            f"Replayed {self.events:,} events (positions 1-{self.position:,}) in {self.seconds:.2f} s "
            f"({self.events_per_second:,.0f} events/s)"
        )
        if self.compared_with is None:
            return head + "."
        if self.ok:
            return f"{head}: the rebuilt state equals the {self.compared_with}."
        lines = [f"{head}: {len(self.differences)} difference(s) from the {self.compared_with}:"]
        lines += [f"  {line}" for line in self.differences[:_SHOWN]]
        if len(self.differences) > _SHOWN:
            lines.append(f"  ... and {len(self.differences) - _SHOWN} more")
        return "\n".join(lines)


def rebuild(
    store: EventStore,
    position: int | None = None,
    progress: FoldProgress | None = None,
    keep_finished: int | None = KEEP_FINISHED,
) -> tuple[CurrentState, int]:
    """The projection folded from position 0 up to ``position`` (default: the end); and the events folded.

    ``keep_finished``: the horizon of finished submissions kept in memory, as the live state has it.
    """
    until = store.max_position() if position is None else position
    state = CurrentState()
    state.set_horizon(keep_finished)
    records: Iterable[Record] = store.iter_records(after=0, until=until, page=5000)
    count = state.apply_all(records if progress is None else reporting(records, 0, until, progress))
    state.position = until
    return state, count


def replay(verify: bool = True) -> ReplayReport:
    """Rebuild the projection from the log; compare it with the live state, or (``verify=False``) install it."""
    runtime = session.current().runtime
    with runtime.lock:
        runtime.flush()
        runtime.catch_up()
        live = runtime.state
        start = time.perf_counter()
        rebuilt, count = rebuild(runtime.store, live.position, keep_finished=runtime.keep_finished)
        report = ReplayReport(rebuilt.position, count, time.perf_counter() - start)
        if verify:
            report.compared_with = "live state"
            report.differences = state_differences(live, rebuilt)
        else:
            runtime.state = runtime.adopt(rebuilt)
            save_state(runtime.store, rebuilt)
    return report


def replay_store(store: EventStore, verify: bool = True, progress: FoldProgress | None = None) -> ReplayReport:
    """Replay a store no process of ours has open: compare with what a start-up would load, or rewrite that.

    A start-up loads the checkpoint and folds the tail of the log; ``verify`` compares the rebuilt
    state with that (and the entity index past listings read with the log), else the rebuilt state
    becomes the checkpoint (and the entity index is derived again).
    """
    position = store.max_position()
    start = time.perf_counter()
    rebuilt, count = rebuild(store, position, progress)
    report = ReplayReport(position, count, time.perf_counter() - start)
    if verify:
        loaded = load_saved_state(store, until=position)
        loaded.set_horizon(KEEP_FINISHED)
        report.compared_with = (
            "checkpoint + log tail" if loaded.position else "state a start-up folds (no checkpoint yet: from 0)"
        )
        loaded.apply_all(store.iter_records(after=loaded.position, until=position))
        loaded.position = position
        report.differences = state_differences(loaded, rebuilt, ("checkpointed", "replayed"))
        report.differences += store.entity_index.differences(position)
    else:
        save_state(store, rebuilt)
        store.entity_index.rebuild()
    return report
