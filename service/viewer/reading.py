"""What the viewer reads: the store as it is now, kept up to date, and as it was at any position.

The viewer never records anything. The live state is the projection folded from the store's
saved checkpoint and then, before each page, from the events other processes appended since.
A page "as of" a position reads a ``PastView``, the same lazy projection ``lf.as_of`` uses.
Values are read by their recorded content hash (``RecordedValues``), never from a user's file.
Every read of the store goes through one lock: the store's connection is shared by the threads
of the web server.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, fields
from datetime import datetime
from typing import NoReturn

from ledgerflow.projections.current import CurrentState
from ledgerflow.service.entities.base import ReadOnlySource, ReadOnlyViewError
from ledgerflow.service.timetravel.past_state import fold_until
from ledgerflow.service.timetravel.recorded_values import RecordedValues
from ledgerflow.service.timetravel.view import PastView, parse_when, resolve_position
from ledgerflow.storage.blobs import BlobStore
from ledgerflow.storage.datanodes import Backends
from ledgerflow.storage.eventstore import EventStore

__all__ = ["AuditState", "LiveView", "Reader"]

_KEPT_PAST_VIEWS = 8
#: Opens another connection to the same store (the audit checks the chain on its own thread).
OpenAgain = Callable[[], AbstractContextManager[EventStore]]


class LiveView(ReadOnlySource):
    """The store as it is now: an entity ``Source`` that refuses writes."""

    def __init__(self, state: CurrentState, backends: Backends) -> None:
        self._state = state
        self._backends = backends
        self.moment: datetime | None = None

    @property
    def position(self) -> int:
        """The last event folded in."""
        return self._state.position

    @property
    def state(self) -> CurrentState:
        """The live projection."""
        return self._state

    @property
    def backends(self) -> Backends:
        """Readers of recorded values, by content hash."""
        return self._backends

    def visible(self, version: str) -> bool:
        """The viewer shows every application version."""
        return True

    def writable(self) -> NoReturn:
        """Always refused: the viewer is read-only."""
        raise ReadOnlyViewError("The viewer is read-only: change entities from your application or the CLI.")


@dataclass
class AuditState:
    """How far the hash chain was checked, by a background thread."""

    checking: bool = True
    checked: int = 0
    head_position: int = 0
    problem: str | None = None
    error: str | None = None


class Reader:
    """The store the viewer shows: a live view kept up to date, and past views by position."""

    def __init__(self, store: EventStore, blobs: BlobStore, open_again: OpenAgain | None = None) -> None:
        self.store = store
        self.lock = threading.RLock()
        self._backends = RecordedValues(blobs)
        self._blobs = blobs
        self._state: CurrentState | None = None
        self._past: OrderedDict[int, PastView] = OrderedDict()
        self.audit = AuditState(checking=open_again is not None)
        if open_again is not None:
            threading.Thread(target=self._verify, args=(open_again,), name="ledgerflow-ui-audit", daemon=True).start()

    def live(self) -> LiveView:
        """The store now, with every event appended so far folded in."""
        with self.lock:
            if self._state is None:
                self._state = fold_until(self.store, self.store.max_position())
            else:
                last = self.store.max_position()
                if last > self._state.position:
                    self._state.apply_all(self.store.iter_records(after=self._state.position, until=last), new=True)
                    self._state.position = last
            return LiveView(self._state, self._backends)

    def load(self) -> LiveView:
        """The live view with every part of its checkpoint loaded (so the first pages need not wait)."""
        with self.lock:
            view = self.live()
            for part in fields(CurrentState):
                getattr(view.state, part.name)
            return view

    def at(self, position: int) -> PastView:
        """The store as of ``position`` (kept for the next pages at the same position)."""
        with self.lock:
            view = self._past.get(position)
            if view is None:
                view = PastView(self.store, self._blobs, position)
                self._past[position] = view
                while len(self._past) > _KEPT_PAST_VIEWS:
                    self._past.popitem(last=False)
            else:
                self._past.move_to_end(position)
            return view

    def view(self, as_of: str | None) -> LiveView | PastView:
        """The live view, or the past view ``as_of`` designates (a position, a moment ago, a date)."""
        if not as_of:
            return self.live()
        with self.lock:
            position = resolve_position(self.store, parse_when(as_of))
        return self.at(position)

    def last_position(self) -> int:
        """The position of the last event in the log."""
        with self.lock:
            return self.store.max_position()

    def _verify(self, open_again: OpenAgain) -> None:
        try:
            with open_again() as store:
                report = store.verify_chain()
        except Exception as error:  # shown on the overview; the viewer keeps working
            self.audit.error = f"{type(error).__name__}: {error}"
        else:
            self.audit.checked = report.checked
            self.audit.head_position = report.head_position
            self.audit.problem = report.finding.message if report.finding is not None else None
        self.audit.checking = False
