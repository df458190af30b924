"""The Scenario, Sequence and Cycle entities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledgerflow.domain.dag import TaskNode, build_graph
from ledgerflow.domain.enums import Frequency
from ledgerflow.projections.views import CycleView, ScenarioView, SequenceView
from ledgerflow.runtime import tags
from ledgerflow.service.entities.base import EntityHandle
from ledgerflow.service.entities.datanode import DataNode, _naive
from ledgerflow.service.entities.task import Submittable, Task


class Cycle(EntityHandle):
    """A period grouping the scenarios created in it."""

    __slots__ = ()
    _table = "cycles"

    def _view(self) -> CycleView:
        view: CycleView = super()._view()
        return view

    name = property(lambda self: self._view().name, doc="The cycle's display name.")
    start_date = property(lambda self: self._view().start, doc="The first instant of the cycle.")
    end_date = property(lambda self: self._view().end, doc="The last instant of the cycle.")
    creation_date = property(lambda self: self._view().creation_date, doc="When the cycle was created.")

    @property
    def frequency(self) -> Frequency:
        """The cycle's frequency."""
        return Frequency(self._view().frequency)

    @property
    def properties(self) -> dict[str, Any]:
        """The cycle's properties (a copy)."""
        return dict(self._view().properties)


class _TaskGroup(Submittable):
    """Shared behaviour of scenarios and sequences: their tasks, data nodes and DAG."""

    __slots__ = ()

    def _task_ids(self) -> list[str]:
        return list(self._view().task_ids)

    @property
    def tasks(self) -> dict[str, Task]:
        """Tasks by config id."""
        tasks = self._source.state.tasks
        return {tasks[i].config_id: Task(i, self._source) for i in self._task_ids() if i in tasks}

    def _data_node_ids(self) -> list[str]:
        tasks = self._source.state.tasks
        ids: list[str] = []
        for task_id in self._task_ids():
            view = tasks.get(task_id)
            if view is not None:
                ids.extend(i for i in (*view.input_ids, *view.output_ids) if i not in ids)
        return ids

    @property
    def data_nodes(self) -> dict[str, DataNode]:
        """Every data node by config id."""
        nodes = self._source.state.data_nodes
        return {nodes[i].config_id: DataNode(i, self._source) for i in self._data_node_ids() if i in nodes}

    def _graph_nodes(self) -> list[TaskNode]:
        tasks = self._source.state.tasks
        return [TaskNode(t, tasks[t].input_ids, tasks[t].output_ids) for t in self._task_ids() if t in tasks]

    def _classified(self) -> tuple[set[str], set[str], set[str]]:
        graph = build_graph(self._graph_nodes())
        data = {n for n, d in graph.nodes(data=True) if d["kind"] == "data"}
        inputs = {n for n in data if graph.in_degree(n) == 0}
        outputs = {n for n in data if graph.out_degree(n) == 0}
        return inputs, outputs, data - inputs - outputs

    def _as_nodes(self, ids: set[str]) -> set[DataNode]:
        return {DataNode(i, self._source) for i in ids}

    def get_inputs(self) -> set[DataNode]:
        """Data nodes no task writes."""
        return self._as_nodes(self._classified()[0])

    def get_outputs(self) -> set[DataNode]:
        """Data nodes no task reads."""
        return self._as_nodes(self._classified()[1])

    def get_intermediate(self) -> set[DataNode]:
        """Data nodes both written and read by tasks."""
        return self._as_nodes(self._classified()[2])

    def is_ready_to_run(self) -> bool:
        """Whether every input is written and not locked."""
        return all(node.is_ready_for_reading for node in self.get_inputs())

    def data_nodes_being_edited(self) -> set[DataNode]:
        """Data nodes with an edit lock held."""
        return {node for node in self.data_nodes.values() if node.edit_in_progress}


class Sequence(_TaskGroup):
    """A named subset of a scenario's tasks, submittable on its own."""

    __slots__ = ()
    _table = "sequences"

    def _view(self) -> SequenceView:
        view: SequenceView = super()._view()
        return view

    name = property(lambda self: self._view().name, doc="The sequence's name.")

    @property
    def scenario(self) -> Scenario:
        """The scenario the sequence belongs to."""
        return Scenario(self._view().scenario_id, self._source)

    @property
    def properties(self) -> dict[str, Any]:
        """The sequence's properties (a copy)."""
        return dict(self._view().properties)


class Scenario(_TaskGroup):
    """A scenario; its data nodes, tasks and sequences are attributes named by config id."""

    __slots__ = ()
    _table = "scenarios"

    def _view(self) -> ScenarioView:
        view: ScenarioView = super()._view()
        return view

    config_id = property(lambda self: self._view().config_id, doc="The id of the scenario's config.")
    is_primary = property(lambda self: self._view().is_primary, doc="Whether it is the primary scenario of its cycle.")
    owner_id = property(lambda self: self._view().cycle_id, doc="The cycle id (None without a cycle).")

    @property
    def name(self) -> str | None:
        """The scenario's name."""
        return self._view().name

    @property
    def creation_date(self) -> datetime:
        """When the scenario was created."""
        return _naive(self._view().creation_date)

    @property
    def cycle(self) -> Cycle | None:
        """The scenario's cycle, if its config has a frequency."""
        cycle_id = self._view().cycle_id
        return Cycle(cycle_id, self._source) if cycle_id else None

    @property
    def tags(self) -> set[str]:
        """The scenario's tags."""
        return set(self._view().tags)

    @property
    def properties(self) -> dict[str, Any]:
        """The scenario's properties (a copy)."""
        return dict(self._view().properties)

    @property
    def additional_data_nodes(self) -> dict[str, DataNode]:
        """Data nodes attached to the scenario outside its tasks."""
        nodes = self._source.state.data_nodes
        ids = self._view().additional_data_node_ids
        return {nodes[i].config_id: DataNode(i, self._source) for i in ids if i in nodes}

    def _data_node_ids(self) -> list[str]:
        ids = super()._data_node_ids()
        return ids + [i for i in self._view().additional_data_node_ids if i not in ids]

    @property
    def sequences(self) -> dict[str, Sequence]:
        """Sequences by name."""
        sequences = self._source.state.sequences
        return {sequences[i].name: Sequence(i, self._source) for i in self._view().sequence_ids if i in sequences}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        for group in (self.sequences, self.tasks, self.data_nodes):
            if name in group:
                return group[name]
        raise AttributeError(f"Scenario {self.id} has no sequence, task or data node named {name!r}.")

    def has_tag(self, tag: str) -> bool:
        """Whether the scenario has ``tag``."""
        return tag in self._view().tags

    def add_tag(self, tag: str) -> None:
        """Tag the scenario."""
        tags.tag(self._writable(), self.id, self.config_id, tag)

    def remove_tag(self, tag: str) -> None:
        """Remove a tag."""
        tags.untag(self._writable(), self.id, tag)

    def set_primary(self) -> None:
        """Make the scenario the primary one of its cycle."""
        tags.set_primary(self._writable(), self.id, self.owner_id)
