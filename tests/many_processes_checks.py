"""The checks of a many-processes run: the log (``ledgerflow events --json``) against what each process was told.

``check`` returns every problem found, as sentences (empty: the run was correct); ``fairness`` the
smallest process's operations over the mean.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from many_processes import ChildReport

COMPLETED = 7  # the task cannot fail: every submission must complete (the issue saw FAILED ones)
#: The only exception a caller may get from a lost race: nothing recorded, and it says so.
ALLOWED_ERRORS = {"ConcurrentChangeError"}
#: A raw database error or a gap in a live read must never reach a caller.
FORBIDDEN_ERRORS = {"ReplayGapError", "IntegrityError", "OperationalError", "UniqueViolation", "DatabaseError"}


def check(reports: list[ChildReport], events: list[dict[str, Any]]) -> list[str]:
    """Every way the log and the processes' beliefs disagree (empty: they agree); the log's problems first."""
    problems = _check_aggregates(events)
    problems += _check_acknowledged(reports, events)
    problems += _check_unacknowledged(reports, events)
    problems += _check_references(events)
    problems += _check_primaries(events)
    return problems + _check_processes(reports)


def fairness(reports: list[ChildReport]) -> float:
    """The smallest process's operations over the mean (1.0: perfectly fair)."""
    ops = [r.ops for r in reports]
    mean = sum(ops) / len(ops) if ops else 0.0
    return min(ops) / mean if mean else 0.0


def _check_processes(reports: list[ChildReport]) -> list[str]:
    problems = []
    for r in reports:
        if r.returncode != 0:
            problems.append(f"process {r.index} exited with {r.returncode}: {r.stderr[-2000:]}")
        elif "Traceback" in r.stderr:
            problems.append(f"process {r.index} printed a traceback (atexit?): {r.stderr[-2000:]}")
        if r.done is None:
            problems.append(f"process {r.index} did not finish its run")
        for error in r.errors:
            if error["error"] not in ALLOWED_ERRORS:
                kind = "a forbidden" if error["error"] in FORBIDDEN_ERRORS else "an unexpected"
                problems.append(
                    f"process {r.index} got {kind} {error['error']} from {error['op']}: {error['message']}\n"
                    f"{error['trace']}"
                )
    return problems


def _check_aggregates(events: list[dict[str, Any]]) -> list[str]:
    """Each aggregate's events are versions 1..n, the first one its creation."""
    problems = []
    versions: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for e in events:
        versions[e["entity_id"]].append((e["entity_version"], e["topic"]))
    for entity, seen in versions.items():
        numbers = sorted(v for v, _ in seen)
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"{entity}: its versions in the log are {numbers[:20]}, not 1..{len(numbers)}")
        first = min(seen)[1]
        if not first.endswith(".created"):
            problems.append(f"{entity}: events are in the log but not its creation (first: {first})")
    return problems


def _key(e: dict[str, Any]) -> str | None:
    """What identifies an operation's event: a write's comment, a lock's editor, a tag."""
    payload = e["payload"] or {}
    topic = e["topic"]
    if topic == "ledgerflow.datanode.written":
        return payload.get("comment")
    if topic == "ledgerflow.datanode.locked":
        return payload.get("editor_id")
    if topic in ("ledgerflow.scenario.tagged", "ledgerflow.scenario.untagged"):
        return payload.get("tag")
    return None


_OURS = re.compile(r"p\d+-")  # the comments, editors and tags the children make up
_TOPICS = {
    "create": "ledgerflow.scenario.created",
    "write": "ledgerflow.datanode.written",
    "lock": "ledgerflow.datanode.locked",
    "unlock": "ledgerflow.datanode.unlocked",
    "tag": "ledgerflow.scenario.tagged",
    "untag": "ledgerflow.scenario.untagged",
    "submit": "ledgerflow.submission.created",
    "delete": "ledgerflow.scenario.deleted",
}


_OPS = {topic: op for op, topic in _TOPICS.items()}


def _check_acknowledged(reports: list[ChildReport], events: list[dict[str, Any]]) -> list[str]:
    """Every acknowledged operation has its event exactly once (unlocks: as many as acknowledged)."""
    found: Counter[tuple[str, str, str | None]] = Counter()
    for e in events:
        found[(e["topic"], e["entity_id"], _key(e))] += 1
    unlocks: Counter[str] = Counter()
    problems = []
    for r in reports:
        for ack in r.acks:
            if ack["ack"] == "unlock":
                unlocks[ack["entity"]] += 1
                continue
            key = ack["key"] if ack["ack"] in ("write", "lock", "tag", "untag") else None
            count = found[(_TOPICS[ack["ack"]], ack["entity"], key)]
            if count != 1:
                what = f"{ack['ack']} {ack['entity']}" + (f" ({key})" if key else "")
                problems.append(f"process {r.index}: acknowledged {what} is in the log {count} times")
    for node, acknowledged in unlocks.items():
        count = found[(_TOPICS["unlock"], node, None)]
        if count != acknowledged:
            problems.append(f"{node}: {acknowledged} unlocks acknowledged, {count} in the log")
    problems += _check_submissions(reports, events)
    return problems


def _check_submissions(reports: list[ChildReport], events: list[dict[str, Any]]) -> list[str]:
    """Every submission completed, in the log and as its caller saw it."""
    status: dict[str, int | None] = {}
    for e in events:
        if e["topic"] == "ledgerflow.submission.created":
            status[e["entity_id"]] = None
        elif e["topic"] == "ledgerflow.submission.status_changed":
            status[e["entity_id"]] = e["payload"]["status"]
    problems = []
    for r in reports:
        for ack in r.acks:
            if ack["ack"] == "submit":
                if ack["status"] != COMPLETED:
                    problems.append(f"process {r.index}: {ack['entity']} returned with status {ack['status']}")
                if status.get(ack["entity"]) != COMPLETED:
                    problems.append(f"{ack['entity']}: its last status in the log is {status.get(ack['entity'])}")
    return problems


def _check_unacknowledged(reports: list[ChildReport], events: list[dict[str, Any]]) -> list[str]:
    """No scenario, write, lock or tag of a process is in the log unless that process was told it succeeded."""
    acknowledged = {(a["ack"], a["entity"], a["key"]) for r in reports for a in r.acks}
    problems = []
    for e in events:
        op = _OPS.get(e["topic"])
        key = _key(e)
        if op == "create" and ("create", e["entity_id"], None) not in acknowledged:
            problems.append(f"{e['entity_id']} was created in the log (position {e['position']}) but no caller knows")
        elif (
            op in ("write", "lock", "tag", "untag")
            and key
            and _OURS.match(key)
            and (op, e["entity_id"], key) not in acknowledged
        ):
            problems.append(f"{op} {e['entity_id']} ({key}) is in the log but its caller was not told so")
    return problems


def _check_references(events: list[dict[str, Any]]) -> list[str]:
    """Every scenario still alive refers only to a live cycle, live tasks and live data nodes."""
    alive: set[str] = set()
    scenarios: dict[str, dict[str, Any]] = {}
    tasks: dict[str, dict[str, Any]] = {}
    for e in events:
        if e["topic"].endswith(".created"):
            alive.add(e["entity_id"])
            if e["topic"] == "ledgerflow.scenario.created":
                scenarios[e["entity_id"]] = e["payload"]
            elif e["topic"] == "ledgerflow.task.created":
                tasks[e["entity_id"]] = e["payload"]
        elif e["topic"].endswith(".deleted"):
            alive.discard(e["entity_id"])
    problems = []
    for sid, scenario in scenarios.items():
        if sid not in alive:
            continue
        needed = [scenario["cycle_id"], *scenario["task_ids"], *scenario["additional_data_node_ids"]]
        for tid in scenario["task_ids"]:
            task = tasks.get(tid, {})
            needed += task.get("input_ids", []) + task.get("output_ids", [])
        missing = [i for i in needed if i and i not in alive]
        if missing:
            problems.append(f"{sid} is alive but refers to deleted or missing entities: {missing}")
    return problems


def _check_primaries(events: list[dict[str, Any]]) -> list[str]:
    """A cycle has one primary scenario: only the first created in it (the children never set one)."""
    primaries: dict[str, list[str]] = defaultdict(list)
    for e in events:
        if e["topic"] == "ledgerflow.scenario.created" and e["payload"].get("is_primary"):
            primaries[e["payload"]["cycle_id"]].append(e["entity_id"])
    return [f"{cycle} got {len(ids)} primary scenarios: {ids}" for cycle, ids in primaries.items() if len(ids) > 1]
