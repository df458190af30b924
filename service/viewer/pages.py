"""What the overview, scenario, versions and events pages show, read from a view of the store.

Each function returns the template's context (plain values; the templates escape text). A view
is the live store or the store as of a position; listings are cut to recent items so a page
stays quick on a store of millions of events.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from itertools import islice
from typing import Any

from ledgerflow.domain.entity import TOPIC_PREFIX
from ledgerflow.domain.errors import LedgerflowError, NonExistingEntity
from ledgerflow.domain.version import VersionTopics
from ledgerflow.projections.archive import look_up_many
from ledgerflow.service import queries
from ledgerflow.service.audit.history import LogEvent, history_of, read_events
from ledgerflow.service.entities.base import Source
from ledgerflow.service.graph import scenario_graph
from ledgerflow.service.timetravel.view import parse_when, position_at
from ledgerflow.service.versions.manage import compare_configs, list_versions
from ledgerflow.service.viewer.dag import dag_svg
from ledgerflow.service.viewer.links import Links
from ledgerflow.service.viewer.past_pages import family_state, recent_created
from ledgerflow.service.viewer.reading import LiveView, Reader
from ledgerflow.service.viewer.values import preview

__all__ = ["events_page", "overview", "scenario_page", "versions_page"]

PAGE_SIZE = 50
EVENTS_SHOWN = 200


def moment_of(view: Any) -> datetime:
    """The moment staleness is judged at: the view's, or now for the live store."""
    moment: datetime | None = getattr(view, "moment", None)
    return moment if moment is not None else datetime.now()


def _recent(values: Any, count: int, skip: int = 0) -> list[Any]:
    """The last ``count`` items of a dict view kept in creation order, newest first."""
    items = list(values)
    end = len(items) - skip
    return list(reversed(items[max(end - count, 0) : max(end, 0)]))


def _left_memory(state: Any, count: int) -> list[Any]:
    """The latest ``count`` submissions that left memory, oldest first, when memory holds fewer than that."""
    if len(state.submissions) >= count:
        return []
    ids = sorted(state.archived_ids("submissions"), key=lambda i: i.rsplit("_", 1)[-1])[-count:]
    found = look_up_many(state.submissions, ids)  # read back from the log together
    return [found[i] for i in ids if i in found]


def overview(view: Source, reader: Reader, page: int) -> dict[str, Any]:
    """Versions, cycles, recent scenarios and submissions, and the audit state."""
    state = view.state
    context: dict[str, Any] = {"versions": list_versions(state), "page": page, "audit": reader.audit}
    if isinstance(view, LiveView):
        return context | {
            "cycles": [(c, len(state.cycle_scenarios.get(c.id, []))) for c in state.cycles.values()],
            "scenarios": _recent(state.scenarios.values(), PAGE_SIZE, page * PAGE_SIZE),
            "scenario_count": len(state.scenarios),
            "more": (page + 1) * PAGE_SIZE < len(state.scenarios),
            "submissions": _recent([*_left_memory(state, 20), *state.submissions.values()], 20),
            "submission_count": len(state.submissions) + state.archived_count("submissions"),
        }
    scenarios = recent_created(reader, view, "scenarios", PAGE_SIZE + 1, page * PAGE_SIZE)
    return context | {
        "cycles": [(c, None) for c in recent_created(reader, view, "cycles", 100)],
        "scenarios": scenarios[:PAGE_SIZE],
        "scenario_count": None,
        "more": len(scenarios) > PAGE_SIZE,
        "submissions": recent_created(reader, view, "submissions", 20),
        "submission_count": None,
    }


def scenario_page(view: Source, reader: Reader, links: Links, scenario_id: str) -> dict[str, Any]:
    """A scenario: its DAG, data nodes with previews, tasks, sequences, submissions and history."""
    scenario = queries.get(view, scenario_id)
    if not scenario_id.startswith("SCENARIO_"):
        raise NonExistingEntity(f"{scenario_id} is not a scenario.")
    state = family_state(reader, view, scenario_id)
    record = state.scenarios[scenario_id]
    graph = scenario_graph(state, scenario_id, moment_of(view))
    nodes = []
    for node_id in dict.fromkeys([n.id for n in graph.nodes if n.kind == "data"] + record.additional_data_node_ids):
        node = state.data_nodes.get(node_id)
        if node is not None:
            nodes.append((node, preview(view.backends, node, listing=True)))
    tasks = []
    for task_id in record.task_ids:
        task = state.tasks.get(task_id)
        if task is not None:
            jobs = state.task_jobs.get(task_id) or state.jobs_of(task_id)
            tasks.append((task, state.jobs.get(jobs[-1]) if jobs else None))
    submissions = [state.submissions[s] for s in state.submissions_of(scenario_id) if s in state.submissions]
    with reader.lock:
        own = [e for e in _own_events(reader, scenario_id) if e.position <= view.state.position]
    return {
        "scenario": record,
        "handle": scenario,
        "svg": dag_svg(graph, links.entity),
        "nodes": nodes,
        "tasks": tasks,
        "sequences": [state.sequences[s] for s in record.sequence_ids if s in state.sequences],
        "submissions": list(reversed(submissions[-20:])),
        "history": own[-50:],
        "cycle": state.cycles.get(record.cycle_id) if record.cycle_id else None,
    }


def _own_events(reader: Reader, entity_id: str) -> list[LogEvent]:
    return [LogEvent.from_record(r) for r in reader.store.events_of(entity_id)]


def versions_page(view: Source, first: str | None, second: str | None) -> dict[str, Any]:
    """Every version with its config, a comparison of two, and the migrations applied."""
    state = view.state
    comparison = None
    error = None
    if first and second:
        try:
            comparison = [str(d) for d in compare_configs(state, first, second)]
        except LedgerflowError as problem:
            error = str(problem)
    configs = {name: json.dumps(v.config, indent=2, sort_keys=True, default=str) for name, v in state.versions.items()}
    return {
        "versions": list_versions(state),
        "configs": configs,
        "first": first,
        "second": second,
        "comparison": comparison,
        "error": error,
    }


def migrations(reader: Reader, position: int) -> list[LogEvent]:
    """The migrations recorded up to ``position``."""
    with reader.lock:
        records = reader.store.events_with_prefix("VERSION_", position)
    return [LogEvent.from_record(r) for r in records if r.topic == VersionTopics.MIGRATED]


def events_page(reader: Reader, position: int, filters: dict[str, str]) -> dict[str, Any]:
    """The log from ``since`` (default: its last events), filtered by entity, type and time."""
    entity = filters.get("entity", "").strip()
    kind = filters.get("type", "").strip()
    since_text = filters.get("since", "").strip()
    until_text = filters.get("until", "").strip()
    until = parse_when(until_text) if until_text else position
    if isinstance(until, int):
        until = min(until, position)
    if since_text:
        since: int | datetime = parse_when(since_text)
    elif entity or kind:
        since = 1
    else:
        since = max(position - EVENTS_SHOWN + 1, 1)
    family = bool(entity) and filters.get("family") == "1"
    with reader.lock:
        if family:
            found: Iterable[LogEvent] = _family_events(reader, entity, since, until, kind)
        else:
            found = read_events(reader.store, since, until, (kind,) if kind else (), (entity,) if entity else ())
        listed = list(islice(found, EVENTS_SHOWN + 1))
    return {
        "events": listed[:EVENTS_SHOWN],
        "more": len(listed) > EVENTS_SHOWN,
        "filters": {"entity": entity, "type": kind, "since": since_text, "until": until_text, "family": family},
        "last": position,
    }


def _family_events(
    reader: Reader, entity: str, since: int | datetime, until: int | datetime, kind: str
) -> list[LogEvent]:
    """An entity's history with its children (``ledgerflow history``), within the position bounds."""
    first = since if isinstance(since, int) else position_at(reader.store, since) + 1
    last = until if isinstance(until, int) else position_at(reader.store, until)
    words = kind.removeprefix(TOPIC_PREFIX)
    return [
        e
        for e in history_of(reader.store, entity, children=True)
        if first <= e.position <= last and (not words or e.name == words or e.name.startswith(words + "."))
    ]
