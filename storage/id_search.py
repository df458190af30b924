"""Entity ids from a part of one, as git takes a commit from a unique prefix.

Tables show ids shortened to their distinctive end (``JOB_double_…c3d40e76``); a command given
such a text, any prefix or any suffix of an id, gets the one id of the log it fits.
"""

from __future__ import annotations

from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.storage.eventstore import EventStore

__all__ = ["AmbiguousId", "resolve_id"]

_ELLIPSES = ("…", "...")
_SHOWN = 8


class AmbiguousId(LedgerflowError):
    """A part of an id fits several ids of the log."""


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _patterns(text: str) -> list[tuple[str, str, str]]:
    """(LIKE pattern, required start, required end) for each way ``text`` may be part of an id."""
    for mark in _ELLIPSES:
        if mark in text:
            head, tail = text.split(mark, 1)
            return [(f"{_like(head)}%{_like(tail)}", head, tail)]
    return [(f"{_like(text)}%", text, ""), (f"%{_like(text)}", "", text)]


def resolve_id(store: EventStore, text: str) -> str:
    """The id of the log that ``text`` is, starts, ends, or shortens (``HEAD…TAIL``); ``text`` if none fits."""
    recorder = store.recorder
    table = recorder.qualify(str(getattr(recorder, "events_table_name", "ledgerflow_events")))
    if not text or recorder.run(f"SELECT 1 FROM {table} WHERE originator_id = ? LIMIT 1", [text]):
        return text
    found: set[str] = set()
    for pattern, head, tail in _patterns(text):
        rows = recorder.run(
            f"SELECT DISTINCT originator_id FROM {table} WHERE originator_id LIKE ? ESCAPE '\\' LIMIT 50", [pattern]
        )
        found |= {r[0] for r in rows if r[0].startswith(head) and r[0].endswith(tail) and len(r[0]) > len(text)}
    if len(found) > 1:
        shown = ", ".join(sorted(found)[:_SHOWN]) + (", …" if len(found) > _SHOWN else "")
        raise AmbiguousId(f'"{text}" fits {len(found)} ids: {shown}. Give more of the id.')
    return found.pop() if found else text
