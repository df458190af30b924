"""The DataNode entity users handle: read, write, append, edits and edit locks."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from ledgerflow.domain.enums import Scope
from ledgerflow.domain.errors import NoData
from ledgerflow.projections.views import DataNodeView, Edit
from ledgerflow.runtime import datanodes as commands
from ledgerflow.service.entities.base import EntityHandle
from ledgerflow.service.timetravel.recorded_values import read_recorded

log = logging.getLogger("ledgerflow")


class DataNode(EntityHandle):
    """A data node: a value, where it lives, and every write it received."""

    __slots__ = ()
    _table = "data_nodes"

    def _view(self) -> DataNodeView:
        view: DataNodeView = super()._view()
        return view

    config_id = property(lambda self: self._view().config_id, doc="The id of the node's config.")
    storage_type = property(lambda self: self._view().storage_type, doc="pickle, json, in_memory, generic...")
    owner_id = property(lambda self: self._view().owner_id, doc="The owning scenario or cycle id (None if GLOBAL).")

    @property
    def scope(self) -> Scope:
        """SCENARIO, CYCLE or GLOBAL."""
        return Scope(self._view().scope)

    @property
    def properties(self) -> dict[str, Any]:
        """The node's properties (a copy)."""
        return dict(self._view().properties)

    @property
    def name(self) -> str:
        """The ``name`` property, or the config id."""
        return str(self._view().properties.get("name") or self.config_id)

    @property
    def parent_ids(self) -> set[str]:
        """Ids of the tasks and scenarios that contain the node."""
        return set(self._source.state.parents.get(self.id, ()))

    @property
    def path(self) -> str | None:
        """The file holding the current value (a user path, or its place in the blob store)."""
        view = self._view()
        user = view.properties.get("path") or view.properties.get("default_path")
        if user:
            return str(user)
        return view.edits[-1].location if view.edits else None

    @property
    def edits(self) -> list[dict[str, Any]]:
        """Every write, oldest first, including jobs' writes."""
        return [_edit_dict(edit) for edit in self._view().edits]

    @property
    def last_edit_date(self) -> datetime | None:
        """When the node was last written (None if never)."""
        edits = self._view().edits
        return _naive(edits[-1].timestamp) if edits else None

    @property
    def job_ids(self) -> list[str]:
        """The jobs that wrote the node."""
        return [e.job_id for e in self._view().edits if e.job_id]

    @property
    def validity_period(self) -> timedelta | None:
        """How long a written value stays valid (None: forever)."""
        seconds = self._view().validity_period
        return None if seconds is None else timedelta(seconds=seconds)

    @property
    def expiration_date(self) -> datetime:
        """When the current value stops being valid; ``NoData`` if never written."""
        last = self.last_edit_date
        if last is None:
            raise NoData(f'DataNode "{self.config_id}" ({self.id}) has no data yet: write it or give it default_data.')
        validity = self.validity_period
        return last + validity if validity is not None else datetime.max

    @property
    def is_valid(self) -> bool:
        """Written, and within its validity period."""
        return self.last_edit_date is not None and datetime.now() <= self.expiration_date

    @property
    def edit_in_progress(self) -> bool:
        """Whether an edit lock is held."""
        return self._view().locked

    editor_id = property(lambda self: self._view().editor_id, doc="Who holds the edit lock.")
    editor_expiration_date = property(lambda self: self._view().editor_expiration, doc="When the lock expires.")

    @property
    def is_ready_for_reading(self) -> bool:
        """Written and not locked."""
        view = self._view()
        return bool(view.edits) and not view.locked

    def get_last_edit(self) -> dict[str, Any] | None:
        """The latest write, or None."""
        edits = self._view().edits
        return _edit_dict(edits[-1]) if edits else None

    def read_or_raise(self) -> Any:
        """The current value; ``NoData`` if never written."""
        return commands.read_value(self._source.backends, self._view())

    def read(self, version: int | None = None, as_of: datetime | int | str | None = None) -> Any:
        """The current value (None if never written), or an earlier one: ``version`` counts writes from 1.

        ``as_of`` is a datetime, or anything ``lf.as_of`` takes (a log position...). Earlier values
        come from the content store, verified against their recorded hash.
        """
        view = self._view()
        edit: Edit | None = None
        if as_of is not None and not isinstance(as_of, datetime):
            past = self._source.as_of(as_of)
            if not past.exists(self.id):
                raise NoData(f'DataNode "{view.config_id}" did not exist at {past!r}.')
            return past.get(self.id).read()
        if version is not None:
            if not 1 <= version <= len(view.edits):
                raise NoData(
                    f'DataNode "{view.config_id}" has {len(view.edits)} writes; there is no version {version}.'
                )
            edit = view.edits[version - 1]
        elif as_of is not None:
            earlier = [e for e in view.edits if _naive(e.timestamp) <= _naive(as_of)]
            if not earlier:
                raise NoData(f'DataNode "{view.config_id}" had no data at {as_of}.')
            edit = earlier[-1]
        elif not view.edits:
            log.warning('DataNode "%s" (%s) has no data yet: read() returns None.', view.config_id, view.id)
            return None
        if edit is not None:
            return read_recorded(self._source.backends, view, edit)
        return commands.read_value(self._source.backends, view, edit)

    def write(self, data: Any, editor_id: str | None = None, comment: str | None = None, **extra: Any) -> None:
        """Write a new value; refused while another editor holds the lock."""
        runtime = self._source.writable()
        commands.write_value(
            runtime, self._source.backends, self._view(), data, editor_id=editor_id, comment=comment, extra=extra
        )

    def append(self, data: Any, editor_id: str | None = None, comment: str | None = None, **extra: Any) -> None:
        """Append to the current value (a list)."""
        runtime = self._source.writable()
        view = self._view()
        current = self.read() if view.edits else None
        value = commands.appended(current, data, view)
        commands.write_value(
            runtime,
            self._source.backends,
            view,
            value,
            kind="append",
            editor_id=editor_id,
            comment=comment,
            extra=extra,
        )

    def lock_edit(self, editor_id: str | None = None) -> None:
        """Take the edit lock (30 minutes when an editor is named)."""
        commands.lock(self._source.writable(), self._view(), editor_id)

    def unlock_edit(self, editor_id: str | None = None) -> None:
        """Release the edit lock."""
        commands.unlock(self._source.writable(), self._view(), editor_id)


def _naive(moment: datetime) -> datetime:
    """Local naive time, as Taipy shows dates."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo is not None else moment


def _edit_dict(edit: Edit) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "timestamp": _naive(edit.timestamp),
        "hash": edit.content_hash,
        "size": edit.size,
        "location": edit.location,
        "kind": edit.kind,
        "job_id": edit.job_id,
        "editor": edit.editor_id,
        "comment": edit.comment,
    }
    entry.update(edit.extra)
    return entry
