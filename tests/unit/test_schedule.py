"""The scheduling core, without a store: what becomes ready, blocked, abandoned or canceled."""

from __future__ import annotations

from ledgerflow.domain.dag import TaskNode
from ledgerflow.domain.enums import Status
from ledgerflow.executor.schedule import Schedule

# a diamond: load -> (clean, stats) -> report, and a separate branch: other
TASKS = {
    "load": TaskNode("load", ["raw"], ["table"]),
    "clean": TaskNode("clean", ["table"], ["cleaned"]),
    "stats": TaskNode("stats", ["table"], ["numbers"]),
    "report": TaskNode("report", ["cleaned", "numbers"], ["pdf"]),
    "other": TaskNode("other", ["raw"], ["side"]),
}
ORDER = ["load", "clean", "stats", "report", "other"]


def schedule(**statuses: Status) -> Schedule:
    jobs = [(f"J_{t}", t, statuses.get(t, Status.SUBMITTED)) for t in ORDER]
    return Schedule.of(jobs, TASKS)


def written(*nodes: str):  # type: ignore[no-untyped-def]
    return lambda node: node in nodes


def summary(changes: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {c.job_id: c.status.name for c in changes}


def test_jobs_whose_inputs_exist_become_pending_the_others_blocked() -> None:
    changes = schedule().unblocked(written("raw"))
    assert summary(changes) == {
        "J_load": "PENDING",
        "J_clean": "BLOCKED",
        "J_stats": "BLOCKED",
        "J_report": "BLOCKED",
        "J_other": "PENDING",
    }
    assert all(c.reason == "inputs not ready" for c in changes if c.status is Status.BLOCKED)


def test_a_missing_or_locked_input_keeps_a_job_blocked_and_a_blocked_job_is_not_blocked_again() -> None:
    plan = schedule(load=Status.BLOCKED, other=Status.BLOCKED)
    assert summary(plan.unblocked(written())) == {"J_clean": "BLOCKED", "J_stats": "BLOCKED", "J_report": "BLOCKED"}


def test_a_completed_job_unblocks_only_children_whose_every_upstream_is_done() -> None:
    plan = schedule(load=Status.COMPLETED, clean=Status.BLOCKED, stats=Status.BLOCKED, report=Status.BLOCKED)
    assert summary(plan.after_end("J_load", written("raw", "table"))) == {"J_clean": "PENDING", "J_stats": "PENDING"}
    plan.statuses["J_clean"] = Status.SKIPPED
    assert plan.after_end("J_clean", written("raw", "table", "cleaned")) == []  # stats still has to run
    plan.statuses["J_stats"] = Status.COMPLETED
    assert summary(plan.after_end("J_stats", written("raw", "table", "cleaned"), ["numbers"])) == {
        "J_report": "PENDING"
    }


def test_a_failure_abandons_every_waiting_job_downstream_and_nothing_else() -> None:
    plan = schedule(load=Status.FAILED, clean=Status.BLOCKED, stats=Status.PENDING, other=Status.RUNNING)
    changes = plan.after_end("J_load", written("raw"))
    assert summary(changes) == {"J_clean": "ABANDONED", "J_stats": "ABANDONED", "J_report": "ABANDONED"}
    assert {c.reason for c in changes} == {"upstream job J_load did not complete"}


def test_a_retry_changes_nothing_else() -> None:
    assert schedule(load=Status.PENDING).after_end("J_load", written("raw")) == []


def test_cancel_follows_taipys_rules() -> None:
    waiting = schedule(load=Status.PENDING)
    assert summary(waiting.canceled("J_load", "no longer needed")) == {
        "J_load": "CANCELED",
        "J_clean": "ABANDONED",
        "J_stats": "ABANDONED",
        "J_report": "ABANDONED",
    }
    done = schedule(load=Status.COMPLETED, clean=Status.COMPLETED)
    assert summary(done.canceled("J_load", "late")) == {"J_stats": "ABANDONED", "J_report": "ABANDONED"}
    assert schedule(load=Status.FAILED).canceled("J_load", "again") == []


def test_jobs_by_status_keep_run_order() -> None:
    plan = schedule(load=Status.RUNNING, other=Status.RUNNING, stats=Status.PENDING)
    assert plan.in_status(Status.RUNNING) == ["J_load", "J_other"]
    assert plan.children["J_load"] == ["J_clean", "J_stats"]


def test_a_one_job_schedule_is_the_general_one() -> None:
    alone = Schedule.of([("J_load", "load", Status.SUBMITTED)], TASKS)
    assert (alone.job_ids, alone.statuses, alone.inputs, alone.upstream, alone.children) == (
        ["J_load"],
        {"J_load": Status.SUBMITTED},
        {"J_load": ["raw"]},
        {"J_load": set()},
        {"J_load": []},
    )
    assert summary(alone.unblocked(written("raw"))) == {"J_load": "PENDING"}
    assert summary(alone.unblocked(written())) == {"J_load": "BLOCKED"}
    # a task reading its own output waits for itself, as in a larger graph
    loop = Schedule.of([("J_x", "x", Status.SUBMITTED)], {"x": TaskNode("x", ["a", "b"], ["b"])})
    assert loop.upstream == {"J_x": {"J_x"}}
