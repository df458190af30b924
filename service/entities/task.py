"""The Task entity, and what scenarios, sequences and tasks share: they can be submitted."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ledgerflow.domain.config import Config, resolve_function
from ledgerflow.domain.enums import Scope
from ledgerflow.projections.views import TaskView
from ledgerflow.service.entities.base import EntityHandle
from ledgerflow.service.entities.datanode import DataNode

if TYPE_CHECKING:
    from ledgerflow.service.entities.job import Submission


class Submittable(EntityHandle):
    """A scenario, sequence or task: something ``submit`` runs."""

    __slots__ = ()

    def submit(
        self,
        callbacks: Any = None,
        force: bool = False,
        wait: bool = False,
        timeout: float | None = None,
        **properties: Any,
    ) -> Submission:
        """Run its tasks in dependency order (see ``ledgerflow.submit``)."""
        return self._source.submit(self, force=force, wait=wait, timeout=timeout, callbacks=callbacks, **properties)


class Task(Submittable):
    """A task: a function from its input data nodes to its output data nodes."""

    __slots__ = ()
    _table = "tasks"

    def _view(self) -> TaskView:
        view: TaskView = super()._view()
        return view

    config_id = property(lambda self: self._view().config_id, doc="The id of the task's config.")
    owner_id = property(lambda self: self._view().owner_id, doc="The owning scenario or cycle id (None if GLOBAL).")
    skippable = property(
        lambda self: self._view().skippable, doc="Whether a run can be skipped when outputs are valid."
    )

    @property
    def properties(self) -> dict[str, Any]:
        """The task's properties (a copy)."""
        return dict(self._view().properties)

    @property
    def function(self) -> Callable[..., Any]:
        """The task's function (from the config, or imported by its recorded name)."""
        config = Config.tasks.get(self.config_id)
        if config is not None and config.function is not None:
            return config.function
        function: Callable[..., Any] = resolve_function(self._view().function)
        return function

    @property
    def input(self) -> dict[str, DataNode]:
        """Input data nodes by config id, in argument order."""
        return self._nodes(self._view().input_ids)

    @property
    def output(self) -> dict[str, DataNode]:
        """Output data nodes by config id, in result order."""
        return self._nodes(self._view().output_ids)

    @property
    def data_nodes(self) -> dict[str, DataNode]:
        """Inputs and outputs by config id."""
        return {**self.input, **self.output}

    @property
    def scope(self) -> Scope:
        """The narrowest scope of its data nodes (GLOBAL when it has none)."""
        nodes = self._source.state.data_nodes
        view = self._view()
        scopes = [nodes[i].scope for i in (*view.input_ids, *view.output_ids) if i in nodes]
        return Scope(min(scopes)) if scopes else Scope.GLOBAL

    @property
    def parent_ids(self) -> set[str]:
        """Ids of the scenarios and sequences that contain the task."""
        return set(self._source.state.parents.get(self.id, ()))

    def _nodes(self, ids: list[str]) -> dict[str, DataNode]:
        nodes = self._source.state.data_nodes
        return {nodes[i].config_id: DataNode(i, self._source) for i in ids if i in nodes}
