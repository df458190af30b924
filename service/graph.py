"""Pictures of a scenario: its DAG of data nodes and tasks, each coloured by its state.

A task's fill is the status of its latest job (green COMPLETED, teal SKIPPED, red FAILED, orange
ABANDONED or CANCELED, blue RUNNING, yellow waiting, grey never run); its border is solid when
its outputs are up to date and dashed orange when a submit would run it again (stale: an input,
the code or the config changed, an output expired or was reset). A data node is green when up
to date, orange when stale or expired, grey when never written. Staleness is judged by the
skip rule (``runtime/skip.py``) at the view's moment, with the code and config known now (a
function that cannot be imported where the picture is drawn is taken as unchanged).

Rendered as Mermaid or Graphviz DOT text, or as SVG/PNG through Graphviz's ``dot`` program.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, replace
from datetime import datetime

from ledgerflow.domain.config import Config, resolve_function
from ledgerflow.domain.dag import TaskNode, task_order
from ledgerflow.domain.enums import Status
from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.domain.fingerprint import Fingerprint
from ledgerflow.projections.current import CurrentState
from ledgerflow.projections.views import TaskView
from ledgerflow.runtime.fingerprints import current_fingerprint
from ledgerflow.runtime.skip import NEVER_RAN, expired, stale_reason

FORMATS = ("mermaid", "dot", "svg", "png")

_STATUS_FILL = {
    Status.COMPLETED: "#c8e6c9",
    Status.SKIPPED: "#b2dfdb",
    Status.FAILED: "#ffcdd2",
    Status.ABANDONED: "#ffe0b2",
    Status.CANCELED: "#ffe0b2",
    Status.RUNNING: "#bbdefb",
}
_WAITING_FILL = "#fff9c4"
_NONE_FILL = "#eeeeee"
_FRESH = ("#c8e6c9", "#2e7d32")
_STALE = ("#ffe0b2", "#e65100")


class GraphvizMissing(LedgerflowError):
    """SVG or PNG was asked for but Graphviz's ``dot`` program is not installed."""


@dataclass(frozen=True)
class GraphNode:
    """A data node or a task of the picture, with its state and colours."""

    id: str
    kind: str  # "data" or "task"
    label: str
    state: str
    fill: str
    stroke: str
    stale: bool


@dataclass(frozen=True)
class ScenarioGraph:
    """The DAG of one scenario: nodes in run order, and edges (data -> task -> data)."""

    scenario_id: str
    nodes: list[GraphNode]
    edges: list[tuple[str, str]]


def _importable(task: TaskView) -> bool:
    config = Config.tasks.get(task.config_id)
    if config is not None and config.function is not None:
        return True
    try:
        resolve_function(task.function)
    except LedgerflowError:
        return False
    return True


def _fingerprint(state: CurrentState, task: TaskView) -> Fingerprint | None:
    """The task's current fingerprint; its code part as recorded when the function cannot be imported here."""
    current = current_fingerprint(state, task)
    produced = state.cache.produced.get(task.id)
    if current is None or produced is None or _importable(task):
        return current
    recorded = Fingerprint.parse(produced.fingerprint)
    return Fingerprint(current.config, recorded.code, current.inputs) if recorded is not None else current


def scenario_graph(state: CurrentState, scenario_id: str, moment: datetime) -> ScenarioGraph:
    """The picture of scenario ``scenario_id`` in ``state``, staleness judged at ``moment``."""
    scenario = state.scenarios[scenario_id]
    tasks = [state.tasks[t] for t in scenario.task_ids if t in state.tasks]
    order = task_order([TaskNode(t.id, t.input_ids, t.output_ids) for t in tasks])
    by_id = {t.id: t for t in tasks}
    nodes: dict[str, GraphNode] = {}
    edges: list[tuple[str, str]] = []
    stale_outputs: set[str] = set()
    for task_id in order:
        task = by_id[task_id]
        reason = stale_reason(state, replace(task, skippable=True), _fingerprint(state, task), moment)
        if reason is not None and reason != NEVER_RAN:
            stale_outputs.update(task.output_ids)
        jobs = state.task_jobs.get(task.id) or state.jobs_of(task.id)
        status = state.jobs[jobs[-1]].status if jobs and jobs[-1] in state.jobs else None
        fill = _NONE_FILL if status is None else _STATUS_FILL.get(status, _WAITING_FILL)
        stale = reason is not None and status is not None
        reason = "no completed run" if reason == NEVER_RAN else reason
        shown = status.name if status is not None else "never run"
        words = f"{shown}, stale: {reason}" if stale else shown
        nodes[task.id] = GraphNode(
            task.id, "task", task.config_id, words, fill, (_STALE if stale else _FRESH)[1], stale
        )
        edges += [(i, task.id) for i in task.input_ids] + [(task.id, o) for o in task.output_ids]
    for node_id in [*dict.fromkeys(i for e in edges for i in e if i not in by_id), *scenario.additional_data_node_ids]:
        view = state.data_nodes.get(node_id)
        if view is None or node_id in nodes:
            continue
        if not view.edits:
            words, (fill, stroke), stale = "no data", (_NONE_FILL, _NONE_FILL), False
        elif expired(view, moment) or node_id in stale_outputs:
            words, (fill, stroke), stale = "expired" if expired(view, moment) else "stale", _STALE, True
        else:
            words, (fill, stroke), stale = "up to date", _FRESH, False
        nodes[node_id] = GraphNode(node_id, "data", view.config_id, words, fill, stroke, stale)
    return ScenarioGraph(scenario_id, list(nodes.values()), edges)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def to_mermaid(graph: ScenarioGraph) -> str:
    """A Mermaid flowchart (paste it into Markdown between ```mermaid fences)."""
    names = {node.id: f"n{i}" for i, node in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for node in graph.nodes:
        label = _mermaid_text(f"{node.label}<br/>{node.state}")
        shape = f'[("{label}")]' if node.kind == "data" else f'["{label}"]'
        lines.append(f"    {names[node.id]}{shape}")
    lines += [f"    {names[a]} --> {names[b]}" for a, b in graph.edges if a in names and b in names]
    for node in graph.nodes:
        dashed = ",stroke-dasharray: 5 5" if node.stale else ""
        lines.append(f"    style {names[node.id]} fill:{node.fill},stroke:{node.stroke},stroke-width:2px{dashed}")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(graph: ScenarioGraph) -> str:
    """A Graphviz DOT digraph."""
    lines = [f'digraph "{_dot_text(graph.scenario_id)}" {{', "    rankdir=LR;", '    node [fontname="Helvetica"];']
    for node in graph.nodes:
        shape = "cylinder" if node.kind == "data" else "box"
        style = "filled,dashed" if node.stale else ("filled" if node.kind == "data" else "filled,rounded")
        lines.append(
            f'    "{_dot_text(node.id)}" [label="{_dot_text(node.label)}\\n{_dot_text(node.state)}", shape={shape}, '
            f'style="{style}", fillcolor="{node.fill}", color="{node.stroke}", penwidth=2];'
        )
    lines += [f'    "{_dot_text(a)}" -> "{_dot_text(b)}";' for a, b in graph.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(graph: ScenarioGraph, format: str) -> bytes:
    """The picture in ``format`` (mermaid, dot, svg or png); svg and png need Graphviz's ``dot``."""
    if format not in FORMATS:
        raise LedgerflowError(f'Unknown graph format "{format}": use one of {", ".join(FORMATS)}.')
    if format == "mermaid":
        return to_mermaid(graph).encode()
    dot = to_dot(graph)
    if format == "dot":
        return dot.encode()
    program = shutil.which("dot")
    if program is None:
        raise GraphvizMissing(
            f"Rendering {format} needs Graphviz's `dot` program, which is not installed: install Graphviz "
            "(apt-get install graphviz, brew install graphviz, or graphviz.org/download), "
            "or use --format mermaid or --format dot."
        )
    done = subprocess.run([program, f"-T{format}"], input=dot.encode(), capture_output=True, check=False)
    if done.returncode != 0:
        raise LedgerflowError(f"Graphviz could not render the graph: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout
