"""Who is acting and why: the metadata recorded with every command's events."""

from __future__ import annotations

import getpass
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any

_actor: ContextVar[str | None] = ContextVar("ledgerflow_actor", default=None)
_correlation: ContextVar[str | None] = ContextVar("ledgerflow_correlation", default=None)


@cache
def process_actor() -> str:
    """The default actor: ``user@host:pid``."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in some containers
        user = "unknown"
    return f"{user}@{socket.gethostname()}:{os.getpid()}"


@contextmanager
def acting_as(actor: str | None = None, correlation_id: str | None = None) -> Iterator[None]:
    """Record the events of the enclosed commands as done by ``actor`` for ``correlation_id``."""
    tokens = []
    if actor is not None:
        tokens.append((_actor, _actor.set(actor)))
    if correlation_id is not None:
        tokens.append((_correlation, _correlation.set(correlation_id)))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def metadata(reason: str | None = None) -> dict[str, Any]:
    """The metadata of a command issued now."""
    meta: dict[str, Any] = {"actor": _actor.get() or process_actor()}
    correlation = _correlation.get()
    if correlation is not None:
        meta["correlation_id"] = correlation
    if reason is not None:
        meta["reason"] = reason
    return meta
