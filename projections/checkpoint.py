"""Snapshots of a projection, so start-up replays only the tail of the log.

A checkpoint is only valid for the code that wrote it: its name carries a digest of the
projection's source, so a change to any fold invalidates old checkpoints automatically.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import cache
from pathlib import Path

from ledgerflow.projections.current import CurrentState

_SOURCES = ("current.py", "views.py")


@cache
def checkpoint_name() -> str:
    """The checkpoint name for this version of the projection code."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _SOURCES:
        digest.update((here / name).read_bytes())
    return f"current-state-{digest.hexdigest()[:16]}"


def dump_state(state: CurrentState) -> bytes:
    """Serialise a projection state."""
    return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


def load_state(data: bytes) -> CurrentState:
    """Restore a projection state written by ``dump_state``."""
    state = pickle.loads(data)
    if not isinstance(state, CurrentState):
        raise TypeError("The checkpoint does not hold a CurrentState")
    return state
