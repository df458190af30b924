"""Entity ids from a part of one, as git takes a commit from a unique prefix.

Tables show ids shortened to their distinctive end (``JOB_double_…c3d40e76``); a command given
such a text, any prefix or any suffix of an id, gets the one id of the log it fits.
"""

from __future__ import annotations

from typing import Any

from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.storage.eventstore import EventStore

__all__ = ["AmbiguousId", "resolve_id"]

_ELLIPSES = ("…", "...")
_SHOWN = 8


class AmbiguousId(LedgerflowError):
    """A part of an id fits several ids of the log."""


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _end(prefix: str) -> str:
    """The first text after every text starting with ``prefix`` (an index range instead of a LIKE)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _candidates(recorder: Any, table: str, head: str, tail: str) -> list[str]:
    """Distinct ids starting with ``head`` and ending with ``tail`` (a range on the id index when
    there is a head; a scan of the log for a bare suffix)."""
    where, params = [], []
    if head:
        where.append("originator_id >= ? AND originator_id < ?")
        params += [head, _end(head)]
    if tail:
        where.append("originator_id LIKE ? ESCAPE '\\'")
        params.append(f"%{_like(tail)}")
    rows = recorder.run(f"SELECT DISTINCT originator_id FROM {table} WHERE {' AND '.join(where)} LIMIT 50", params)
    return [r[0] for r in rows if r[0].startswith(head) and r[0].endswith(tail)]


def resolve_id(store: EventStore, text: str) -> str:
    """The id of the log that ``text`` is, starts (else ends), or shortens (``HEAD…TAIL``); ``text`` if none fits."""
    recorder = store.recorder
    table = recorder.qualify(str(getattr(recorder, "events_table_name", "ledgerflow_events")))
    if not text or recorder.run(f"SELECT 1 FROM {table} WHERE originator_id = ? LIMIT 1", [text]):
        return text
    ways = [tuple(text.split(mark, 1)) for mark in _ELLIPSES if mark in text][:1] or [(text, ""), ("", text)]
    found: set[str] = set()
    for head, tail in ways:  # a prefix first (an index range): a suffix needs a scan of the log
        found = {i for i in _candidates(recorder, table, head, tail) if len(i) > len(text)}
        if found:
            break
    if len(found) > 1:
        shown = ", ".join(sorted(found)[:_SHOWN]) + (", …" if len(found) > _SHOWN else "")
        raise AmbiguousId(f'"{text}" fits {len(found)} ids: {shown}. Give more of the id.')
    return found.pop() if found else text
