"""The DataNode entity users handle: read, write, append, edits and edit locks."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from ledgerflow.domain.config.templates import resolve as resolve_template
from ledgerflow.domain.enums import Scope
from ledgerflow.domain.errors import NoData, NonExistingEntity
from ledgerflow.domain.filters import JoinOperator, conditions_of
from ledgerflow.projections.views import DataNodeView, Edit
from ledgerflow.runtime import datanodes as commands
from ledgerflow.runtime.edit_tracking import record_edit
from ledgerflow.runtime.entity_properties import set_property
from ledgerflow.service.entities.base import EntityHandle
from ledgerflow.service.entities.filtered import filtered
from ledgerflow.service.timetravel.recorded_values import read_recorded

if TYPE_CHECKING:
    from ledgerflow.service.entities.base import Source

log = logging.getLogger("ledgerflow")


class DataNode(EntityHandle):
    """A data node: a value, where it lives, and every write it received."""

    __slots__ = ()
    _table = "data_nodes"
    #: Taipy's class of each storage type (``PickleDataNode``..., in ``datanode_kinds.py``), so
    #: ``isinstance`` checks work; a subclass naming its ``_storage_type`` registers itself.
    _kinds: ClassVar[dict[str, type[DataNode]]] = {}
    _storage_type: ClassVar[str] = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls._storage_type:
            DataNode._kinds[cls._storage_type] = cls

    def __new__(cls, entity_id: str, source: Source) -> DataNode:
        if cls is DataNode:
            view = source.state.data_nodes.get(entity_id)
            kind = DataNode._kinds.get(view.storage_type) if view is not None else None
            if kind is not None:
                return object.__new__(kind)
        return object.__new__(cls)

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
        """The node's properties (a copy), ``ENV[...]`` templates resolved as Taipy does."""
        return {key: resolve_template(value) for key, value in self._view().properties.items()}

    @property
    def name(self) -> str:
        """The ``name`` property, or the config id (settable: recorded as an event)."""
        return str(self._view().properties.get("name") or self.config_id)

    @name.setter
    def name(self, value: str | None) -> None:
        set_property(self._writable(), self.id, "name", value)

    def __getattr__(self, name: str) -> Any:
        """A property of the node read as an attribute (``dn.sheet_name``), as in Taipy."""
        if not name.startswith("_"):
            try:
                properties = self._view().properties
            except NonExistingEntity as gone:  # hasattr() must get an AttributeError
                raise AttributeError(f"{name!r}: {gone}") from None
            if name in properties:
                return properties[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def get_parents(self) -> dict[str, set[EntityHandle]]:
        """The scenarios, sequences and tasks containing the node (as ``ledgerflow.get_parents``)."""
        return self._parents()

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
            return str(resolve_template(user))
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
    def is_up_to_date(self) -> bool:
        """Valid, and no data node upstream of it (in any scenario containing it) was written after it."""
        last = self._view().edits
        if not self.is_valid:
            return False
        mine = last[-1].timestamp
        state = self._source.state
        for node_id in _upstream(state, self.id):
            node = state.data_nodes.get(node_id)
            if node is not None and node.edits and node.edits[-1].timestamp > mine:
                return False
        return True

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
            moment = _naive(as_of)
            edit = view.edits.last_where(lambda e: _naive(e.timestamp) <= moment)  # the log only if needed
            if edit is None:
                raise NoData(f'DataNode "{view.config_id}" had no data at {as_of}.')
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
        """Append to the current value: rows of a file or table, documents, bytes, items of a list."""
        runtime = self._source.writable()
        view = self._view()
        if hasattr(self._source.backends.of(view.storage_type), "append"):
            value = data
        else:
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

    def filter(self, operators: Any = None, join_operator: JoinOperator = JoinOperator.AND) -> Any:
        """The rows meeting ``(column, value, Operator)`` conditions; pushed down to a database when it has one."""
        view = self._view()
        if not view.edits:
            return None
        return filtered(self._source.backends, view, conditions_of(operators), join_operator)

    def __getitem__(self, key: Any) -> Any:
        """``node["col"]``, ``node[["a", "b"]]``, ``node[2:5]`` or ``node[node["col"] > 1]`` on the current value."""
        value = self.read()
        if value is None:
            raise NoData(f'DataNode "{self.config_id}" ({self.id}) has no data yet: nothing to select.')
        return value[key]

    def track_edit(
        self, job_id: str | None = None, editor_id: str | None = None, comment: str | None = None, **extra: Any
    ) -> None:
        """Record an edit of the current value without writing a new one (who, why); needs a value."""
        record_edit(
            self._source.writable(), self._view(), job_id=job_id, editor_id=editor_id, comment=comment, extra=extra
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


def _upstream(state: Any, node_id: str) -> set[str]:
    """The data nodes a node is computed from, in every scenario containing it."""
    tasks = state.tasks
    writers: dict[str, list[str]] = {}
    for scenario_id in {p for t in state.parents.get(node_id, ()) for p in state.parents.get(t, ()) | {t}}:
        scenario = state.scenarios.get(scenario_id)
        for task_id in scenario.task_ids if scenario is not None else ():
            task = tasks.get(task_id)
            for output in task.output_ids if task is not None else ():
                writers.setdefault(output, []).append(task_id)
    found: set[str] = set()
    stack = [node_id]
    while stack:
        for task_id in writers.get(stack.pop(), ()):
            for input_id in tasks[task_id].input_ids:
                if input_id not in found:
                    found.add(input_id)
                    stack.append(input_id)
    return found
