"""Pure domain rules: job transitions, submission status, cycles, the task graph."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from itertools import pairwise

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledgerflow.domain.cycles import cycle_window
from ledgerflow.domain.dag import TaskNode, build_graph, downstream_closure, task_order, upstream_tasks
from ledgerflow.domain.enums import FINISHED_STATUSES, Frequency, Status, SubmissionStatus
from ledgerflow.domain.errors import IllegalJobTransition, InvalidScenario
from ledgerflow.domain.ids import job_id, scenario_id, submission_id
from ledgerflow.domain.job import Job
from ledgerflow.domain.submission import aggregate_status


def new_job() -> Job:
    return Job.submitted(
        id="JOB_t_1", task_id="TASK_t", submission_id="SUB", submit_entity_id="S", force=False, version="v"
    )


def test_a_job_goes_through_the_normal_lifecycle() -> None:
    job = new_job()
    for status in (Status.BLOCKED, Status.PENDING, Status.RUNNING, Status.COMPLETED):
        job.change_status(status)
    assert job.status is Status.COMPLETED
    assert len(job.collect_events()) == 5


@pytest.mark.parametrize(
    ("path", "illegal", "rule"),
    [
        ((), Status.COMPLETED, "PreventResultsUnlessRunning"),
        ((Status.PENDING,), Status.FAILED, "PreventResultsUnlessRunning"),
        ((), Status.RUNNING, "PreventRunningUnlessPending"),
        ((Status.PENDING, Status.RUNNING, Status.COMPLETED), Status.RUNNING, "PreventLeavingFinishedStates"),
        ((Status.PENDING,), Status.PENDING, "PreventDuplicateTransitions"),
        ((Status.PENDING, Status.RUNNING), Status.ABANDONED, "PreventAbandoningRunningJobs"),
        ((Status.PENDING, Status.RUNNING), Status.BLOCKED, "PreventBlockingAfterDispatch"),
    ],
)
def test_illegal_transitions_are_refused_by_a_named_rule(path: tuple[Status, ...], illegal: Status, rule: str) -> None:
    job = new_job()
    for status in path:
        job.change_status(status)
    recorded = job.version
    with pytest.raises(IllegalJobTransition, match=rule):
        job.change_status(illegal)
    assert job.version == recorded  # nothing was recorded


@given(st.lists(st.sampled_from(list(Status)), max_size=12))
def test_a_job_status_sequence_is_always_legal(attempts: list[Status]) -> None:
    job = new_job()
    seen = [Status.SUBMITTED]
    for status in attempts:
        try:
            job.change_status(status)
        except IllegalJobTransition:
            continue
        seen.append(status)
    assert all(s not in FINISHED_STATUSES for s in seen[:-1])
    for before, after in pairwise(seen):
        if after in (Status.COMPLETED, Status.FAILED):
            assert before is Status.RUNNING
        if after in (Status.RUNNING, Status.SKIPPED):
            assert before is Status.PENDING


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([Status.COMPLETED, Status.FAILED, Status.CANCELED], SubmissionStatus.FAILED),
        ([Status.CANCELED, Status.ABANDONED, Status.RUNNING], SubmissionStatus.CANCELED),
        ([Status.ABANDONED, Status.COMPLETED], SubmissionStatus.UNDEFINED),
        ([Status.RUNNING, Status.PENDING, Status.BLOCKED], SubmissionStatus.RUNNING),
        ([Status.PENDING, Status.BLOCKED, Status.COMPLETED], SubmissionStatus.PENDING),
        ([Status.BLOCKED, Status.COMPLETED], SubmissionStatus.BLOCKED),
        ([Status.COMPLETED, Status.SKIPPED], SubmissionStatus.COMPLETED),
    ],
)
def test_submission_status_follows_the_precedence(statuses: list[Status], expected: SubmissionStatus) -> None:
    assert aggregate_status(statuses) is expected


@pytest.mark.parametrize(
    ("frequency", "when", "start", "end", "name"),
    [
        (
            Frequency.DAILY,
            datetime(2024, 5, 17, 13),
            datetime(2024, 5, 17),
            datetime(2024, 5, 17, 23, 59, 59, 999999),
            "Friday, 17. May 2024",
        ),
        (
            Frequency.WEEKLY,
            datetime(2024, 5, 17),
            datetime(2024, 5, 13),
            datetime(2024, 5, 19, 23, 59, 59, 999999),
            "Week 20 2024, from 13. May",
        ),
        (
            Frequency.MONTHLY,
            datetime(2024, 12, 17),
            datetime(2024, 12, 1),
            datetime(2024, 12, 31, 23, 59, 59, 999999),
            "December 2024",
        ),
        (
            Frequency.QUARTERLY,
            datetime(2024, 5, 17),
            datetime(2024, 4, 1),
            datetime(2024, 6, 30, 23, 59, 59, 999999),
            "2024 Q2",
        ),
        (
            Frequency.QUARTERLY,
            datetime(2024, 11, 2),
            datetime(2024, 10, 1),
            datetime(2024, 12, 31, 23, 59, 59, 999999),
            "2024 Q4",
        ),
        (
            Frequency.YEARLY,
            datetime(2024, 5, 17),
            datetime(2024, 1, 1),
            datetime(2024, 12, 31, 23, 59, 59, 999999),
            "2024",
        ),
    ],
)
def test_cycle_windows(frequency: Frequency, when: datetime, start: datetime, end: datetime, name: str) -> None:
    window = cycle_window(frequency, when)
    assert (window.start, window.end, window.name) == (start, end, name)


@given(st.sampled_from(list(Frequency)), st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
def test_every_cycle_contains_its_moment_and_ends_after_it_starts(frequency: Frequency, when: datetime) -> None:
    window = cycle_window(frequency, when)
    assert window.start <= when <= window.end
    assert cycle_window(frequency, window.end).start == window.start


def test_task_order_and_downstream() -> None:
    tasks = [
        TaskNode("plan", ["pred", "cap"], ["orders"]),
        TaskNode("train", ["hist"], ["model"]),
        TaskNode("predict", ["model", "month"], ["pred"]),
    ]
    assert task_order(tasks) == ["train", "predict", "plan"]
    upstream = upstream_tasks(tasks)
    assert upstream["plan"] == {"predict"}
    assert downstream_closure("train", upstream) == {"predict", "plan"}


@given(
    st.lists(
        st.tuples(st.sets(st.integers(0, 9), max_size=3), st.sets(st.integers(0, 9), max_size=2)),
        min_size=1,
        max_size=10,
    )
)
def test_task_order_is_the_graphs_topological_generations(shapes: list[tuple[set[int], set[int]]]) -> None:
    tasks = [TaskNode(f"t{i}", [f"d{n}" for n in ins], [f"d{n}" for n in outs]) for i, (ins, outs) in enumerate(shapes)]
    try:
        graph = build_graph(tasks)
    except InvalidScenario:
        with pytest.raises(InvalidScenario, match="cycle"):
            task_order(tasks)
        return
    ids = {t.id for t in tasks}
    expected = [t for generation in nx.topological_generations(graph) for t in sorted(generation) if t in ids]
    assert task_order(tasks) == expected


def test_a_cycle_in_the_task_graph_is_refused() -> None:
    with pytest.raises(InvalidScenario, match="cycle"):
        task_order([TaskNode("a", ["x"], ["y"]), TaskNode("b", ["y"], ["x"])])


def test_new_ids_are_taipy_shaped_time_ordered_uuids() -> None:
    jobs = [job_id("train") for _ in range(5_000)]
    assert jobs == sorted(jobs) and len(set(jobs)) == len(jobs)  # increasing, even within a millisecond
    prefix, config, text = jobs[0].split("_", 2)
    assert (prefix, config) == ("JOB", "train")
    parsed = uuid.UUID(text)
    assert str(parsed) == text and parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert abs((parsed.int >> 80) - time.time() * 1000) < 60_000  # its first 48 bits: Unix milliseconds
    assert scenario_id("s").startswith("SCENARIO_s_") and submission_id().startswith("SUBMISSION_")
