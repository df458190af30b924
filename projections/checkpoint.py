"""Snapshots of a projection, so start-up replays only the tail of the log.

A checkpoint is only valid for the code that wrote it: its name carries a digest of the
projection's source, so a change to any fold invalidates old checkpoints automatically.
It is plain data (``plain_codec``: reading it cannot run code) and sealed: a ``_seal`` part holds
the hash-chain link of its log position and the sha256 of every part, checked on load, so a
checkpoint from another log, saved before the log was rewritten, or edited, is not used.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import typing
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from ledgerflow.projections import plain_codec
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


SEAL = "_seal"  # the part that binds the others to the log: its position's chain link and their digests
FORMAT = 1


def _hints() -> dict[str, Any]:
    hints = typing.get_type_hints(CurrentState, localns=plain_codec.annotation_names())
    return {field.name: hints[field.name] for field in fields(CurrentState)}  # no class variables


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dump_parts(state: CurrentState, link: bytes) -> dict[str, bytes]:
    """Serialise a projection state, one part per field (so a reader can restore only what it uses),
    and the seal: ``link``, the hash-chain link of the state's position, and every part's digest."""
    hints = _hints()
    with _no_cyclic_gc():
        parts = {f.name: plain_codec.encode_field(hints[f.name], getattr(state, f.name)) for f in fields(state)}
    seal = {
        "format": FORMAT,
        "position": state.position,
        "link": link.hex(),
        "parts": {name: _digest(data) for name, data in parts.items()},
    }
    return {**parts, SEAL: orjson.dumps(seal)}


class SealBroken(ValueError):
    """The checkpoint is not the one saved for this log at its position."""


def _open_seal(data: bytes | None, position: int, link: bytes | None) -> dict[str, str]:
    """The parts' digests, once the seal is whole and bound to ``link`` at ``position``."""
    if data is None:
        raise SealBroken("it has no seal")
    try:
        seal = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise SealBroken("its seal is not JSON") from None
    names = {f.name for f in fields(CurrentState)}
    if (
        type(seal) is not dict
        or seal.get("format") != FORMAT
        or seal.get("position") != position
        or type(seal.get("parts")) is not dict
        or set(seal["parts"]) != names
        or not all(type(d) is str for d in seal["parts"].values())
    ):
        raise SealBroken("its seal has the wrong shape")
    if link is None or seal.get("link") != link.hex():
        raise SealBroken(f"it does not match the log's hash chain at position {position}")
    return dict(seal["parts"])


def seal_problem(parts: dict[str, bytes | None], position: int, link: bytes | None) -> str | None:
    """Why a checkpoint's parts would not be used (seal, link or a part's digest), or None."""
    try:
        digests = _open_seal(parts.get(SEAL), position, link)
    except SealBroken as error:
        return str(error)
    changed = sorted(
        name for name, digest in digests.items() if (data := parts.get(name)) is None or _digest(data) != digest
    )
    return f"its part(s) {', '.join(changed)} were changed or removed after it was saved" if changed else None


def _load(annotation: Any, data: bytes, digest: str) -> Any:
    if _digest(data) != digest:
        raise SealBroken("a part was changed after it was saved")
    with _no_cyclic_gc():
        value = plain_codec.decode_field(annotation, data)
        # The state lives as long as the process: keep it out of future collections. Frozen before
        # collection resumes, else the first one walks every object just built (0.7 s at 1M events).
        gc.freeze()
    return value


def load_state(
    names: Iterable[str],
    eager: dict[str, bytes],
    fetch: Callable[[str], bytes | None],
    refold: Callable[[], CurrentState],
    *,
    position: int,
    link: bytes | None,
) -> CurrentState:
    """Restore a state saved by ``dump_parts`` at ``position`` (``link``: the log's chain link there): the
    ``EAGER_FIELDS`` from ``eager``, each other field when first used, from ``fetch(field)`` or, once
    that part is gone or fails its check, from ``refold()``. Raises if the seal or an eager part fails."""
    hints = _hints()
    if set(names) != set(hints) | {SEAL} or not set(EAGER_FIELDS) <= set(eager):
        raise SealBroken("it does not hold the parts of a CurrentState")
    digests = _open_seal(eager.get(SEAL), position, link)
    state = CurrentState.__new__(CurrentState)
    for name in EAGER_FIELDS:
        setattr(state, name, _load(hints[name], eager[name], digests[name]))
    if state.position != position:
        raise SealBroken("its position part disagrees with its seal")

    def load(name: str) -> Any:
        data = eager[name] if name in eager else fetch(name)
        if data is None:
            log.warning(
                "The checkpoint at position %d was replaced by newer ones before this process read its part %r: "
                "folding the log up to there again",
                position,
                name,
            )
            return getattr(refold(), name)
        try:
            return _load(hints[name], data, digests[name])
        except (SealBroken, plain_codec.ShapeError) as error:  # a damaged part: the log has everything
            log.warning("Part %r of the checkpoint cannot be read (%s): folding it from the log", name, error)
        return getattr(refold(), name)

    state.defer(set(hints) - set(EAGER_FIELDS), load)
    return state
