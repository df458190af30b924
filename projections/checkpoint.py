"""Snapshots of a projection, so start-up replays only the tail of the log.

A checkpoint is only valid for the code that wrote it: its name carries a digest of the
projection's source, so a change to any fold invalidates old checkpoints automatically.
"""

from __future__ import annotations

import gc
import hashlib
import io
import logging
import pickle
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields, is_dataclass
from enum import IntEnum
from functools import cache
from pathlib import Path
from typing import Any

from ledgerflow.domain.enums import Status, SubmissionStatus
from ledgerflow.projections import views
from ledgerflow.projections.current import CurrentState

log = logging.getLogger(__name__)

STATE_CHECKPOINTS = "current-state-"  # the names of current-state checkpoints start so


@cache
def checkpoint_name() -> str:
    """The checkpoint name for this version of the projection code (every module of this package)."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return f"{STATE_CHECKPOINTS}{digest.hexdigest()[:16]}"


_STATUSES: dict[type[IntEnum], tuple[IntEnum | None, ...]] = {
    cls: tuple(cls._value2member_map_.get(i) for i in range(max(cls) + 1))  # type: ignore[misc]
    for cls in (Status, SubmissionStatus)
}


def _status(kind: type[IntEnum], value: int) -> IntEnum | None:
    return _STATUSES[kind][value]


def _reduce_status(status: IntEnum) -> tuple[Any, tuple[Any, ...]]:
    return _status, (type(status), int(status))


def _view_reducer(cls: type[Any]) -> Callable[[Any], tuple[Any, tuple[Any, ...]]]:
    names = [f.name for f in fields(cls)]

    def reduce(view: Any) -> tuple[Any, tuple[Any, ...]]:
        return cls, tuple(getattr(view, name) for name in names)

    return reduce


def _dispatch_table() -> dict[type[Any], Callable[[Any], tuple[Any, tuple[Any, ...]]]]:
    """Reducers that rebuild views by calling their class with positional fields (fast to load)."""
    table: dict[type[Any], Callable[[Any], tuple[Any, tuple[Any, ...]]]] = {
        Status: _reduce_status,
        SubmissionStatus: _reduce_status,
    }
    for value in vars(views).values():
        if isinstance(value, type) and is_dataclass(value) and value.__module__ == views.__name__:
            table[value] = _view_reducer(value)
    return table


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Building millions of objects triggers full collections again and again: pause them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


#: Restored at once from a checkpoint; every other field when first used (``CurrentState.defer``).
EAGER_FIELDS = ("position", "versions", "scenarios", "cycles", "cycle_scenarios")


def _dump(value: Any) -> bytes:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch_table()
    pickler.dump(value)
    return buffer.getvalue()


def _load(data: bytes) -> Any:
    with _no_cyclic_gc():
        value = pickle.loads(data)
        # The state lives as long as the process: keep it out of future collections. Frozen before
        # collection resumes, else the first one walks every object just built (0.7 s at 1M events).
        gc.freeze()
    return value


def dump_parts(state: CurrentState) -> dict[str, bytes]:
    """Serialise a projection state, one part per field (so a reader can restore only what it uses)."""
    with _no_cyclic_gc():
        return {f.name: _dump(getattr(state, f.name)) for f in fields(state)}


def load_state(
    names: Iterable[str],
    eager: dict[str, bytes],
    fetch: Callable[[str], bytes | None],
    refold: Callable[[], CurrentState],
) -> CurrentState:
    """Restore a state saved by ``dump_parts``: the ``EAGER_FIELDS`` from ``eager``, each other field
    when first used, from ``fetch(field)`` or, once that part is gone, from ``refold()``."""
    if set(names) != {f.name for f in fields(CurrentState)} or not set(EAGER_FIELDS) <= set(eager):
        raise TypeError("The checkpoint does not hold the parts of a CurrentState")
    state = CurrentState.__new__(CurrentState)
    for name in EAGER_FIELDS:
        setattr(state, name, _load(eager[name]))

    def load(name: str) -> Any:
        data = eager[name] if name in eager else fetch(name)
        if data is not None:
            try:
                return _load(data)
            except Exception:  # a damaged part: the log has everything
                log.warning("Part %r of the checkpoint cannot be read: folding it from the log", name, exc_info=True)
        return getattr(refold(), name)

    state.defer(set(names) - set(EAGER_FIELDS), load)
    return state
