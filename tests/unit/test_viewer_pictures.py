"""The viewer's pictures and values without a store: the layered DAG, the timeline, links, diffs."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from ledgerflow.domain.enums import Status
from ledgerflow.projections.views import JobView, StatusChange
from ledgerflow.service.graph import GraphNode, ScenarioGraph
from ledgerflow.service.viewer.dag import dag_svg, layered_svg
from ledgerflow.service.viewer.links import Links
from ledgerflow.service.viewer.timeline import duration, timeline_of, timeline_svg
from ledgerflow.service.viewer.values import diff_values, present

HOSTILE = "<script>alert(1)</script>"


def _graph() -> ScenarioGraph:
    def node(i: str, kind: str, label: str, stale: bool = False) -> GraphNode:
        return GraphNode(i, kind, label, "up to date", "#c8e6c9", "#2e7d32", stale)

    nodes = [
        node("TASK_b", "task", "b"),
        node("DATANODE_in", "data", HOSTILE),
        node("DATANODE_mid", "data", "mid", stale=True),
        node("TASK_c", "task", "c"),
        node("DATANODE_out", "data", "out"),
    ]
    edges = [
        ("DATANODE_in", "TASK_b"),
        ("TASK_b", "DATANODE_mid"),
        ("DATANODE_mid", "TASK_c"),
        ("TASK_c", "DATANODE_out"),
    ]
    return ScenarioGraph("SCENARIO_x", nodes, edges)


def _x_of(svg: str, entity_id: str) -> float:
    found = re.search(rf'data-id="{entity_id}"><title>[^<]*</title><rect x="(\d+)"', svg)
    assert found is not None, entity_id
    return float(found.group(1))


def test_the_layered_layout_puts_each_node_after_what_it_needs() -> None:
    svg = layered_svg(_graph(), Links(None).entity)
    order = ["DATANODE_in", "TASK_b", "DATANODE_mid", "TASK_c", "DATANODE_out"]
    xs = [_x_of(svg, i) for i in order]
    assert xs == sorted(xs) and len(set(xs)) == 5
    assert svg.count('<path class="edge"') == 4 and svg.count('stroke-dasharray="6 4"') == 1
    assert HOSTILE not in svg and "&lt;script&gt;" in svg
    assert 'href="/datanode/DATANODE_in"' in svg and 'href="/entity/TASK_b"' in svg


def test_the_layout_survives_a_cycle_and_the_dot_picture_links_its_nodes() -> None:
    graph = _graph()
    looped = ScenarioGraph("SCENARIO_x", graph.nodes, [*graph.edges, ("DATANODE_out", "TASK_b")])
    assert layered_svg(looped, Links(None).entity).count("<a ") == 5
    drawn = dag_svg(graph, Links(7).entity)
    assert drawn.startswith("<svg") and "/datanode/DATANODE_out?as_of=7" in drawn
    assert HOSTILE not in drawn


def test_a_timeline_cuts_each_job_into_its_recorded_spans() -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)

    def at(seconds: float) -> datetime:
        return start + timedelta(seconds=seconds)

    done = JobView("JOB_a", "TASK_a", "SUBMISSION_s", "SCENARIO_x", False, "v", at(0))
    done.history = [
        StatusChange(Status.SUBMITTED, at(0), None),
        StatusChange(Status.PENDING, at(1), None),
        StatusChange(Status.RUNNING, at(2), None),
        StatusChange(Status.FAILED, at(3), "boom"),
        StatusChange(Status.RUNNING, at(4), "retry 1 of 1"),
        StatusChange(Status.COMPLETED, at(6), None),
    ]
    done.status = Status.COMPLETED
    running = JobView("JOB_b", "TASK_b", "SUBMISSION_s", "SCENARIO_x", False, "v", at(0))
    running.history = [StatusChange(Status.SUBMITTED, at(0), None), StatusChange(Status.BLOCKED, at(1), None)]
    timeline = timeline_of([done, running], {"TASK_a": "a", "TASK_b": HOSTILE}, {"JOB_a": "worker-1"}, at(10))
    assert timeline.running and timeline.seconds == 10
    first, second = timeline.bars
    assert [(s.status, s.start, s.end) for s in first.spans] == [
        ("SUBMITTED", 0, 1),
        ("PENDING", 1, 2),
        ("RUNNING", 2, 3),
    ]
    assert first.attempts == 2 and first.worker == "worker-1" and first.reason == "retry 1 of 1" and first.seconds == 4
    assert [(s.status, s.end) for s in second.spans] == [("SUBMITTED", 1), ("BLOCKED", 10)]
    svg = timeline_svg(timeline, Links(None).entity)
    assert 'data-running="true"' in svg and svg.count('class="span"') == 5 and HOSTILE not in svg
    assert duration(0.0123) == "12.3 ms" and duration(2.5) == "2.50 s" and duration(185) == "3 min 5 s"


def test_links_keep_the_position_and_quote_ids() -> None:
    links = Links(42)
    assert links.entity("JOB_a b") == "/job/JOB_a%20b?as_of=42"
    assert links.entity("VERSION_1.0") == "/versions?as_of=42"
    assert links.to("/events", entity="X", type=None) == "/events?entity=X&as_of=42"
    assert links.live("/events") == "/events"


def test_text_values_are_diffed_by_line_and_cut_short() -> None:
    diff = diff_values({"a": 1, "b": 2}, {"a": 1, "b": 3})
    assert diff.kind == "text" and "-{'a': 1, 'b': 2}" in diff.lines and "+{'a': 1, 'b': 3}" in diff.lines
    assert diff_values([1, 2], [1, 2]).kind == "same"
    long = present("x" * 1000)
    assert long.kind == "text" and len(long.text) == 300 and long.text.endswith("…")


def test_tables_are_previewed_and_diffed_by_rows_and_columns() -> None:
    pandas = pytest.importorskip("pandas")
    before = pandas.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    after = pandas.DataFrame({"a": [1, 5, 3], "c": [0, 0, 0]})
    shown = present(before, rows=2)
    assert shown.kind == "table" and shown.columns == ["", "a", "b"] and shown.total_rows == 3 and len(shown.rows) == 2
    diff = diff_values(before, after)
    assert diff.kind == "table" and diff.added_columns == ["c"] and diff.removed_columns == ["b"]
    assert diff.changed == [["1", "a", "2", "5"]]
