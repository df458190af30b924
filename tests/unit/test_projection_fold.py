"""The current-state fold on hand-made records: idempotence, gaps, indexes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from ledgerflow.domain.enums import Status
from ledgerflow.projections.checkpoint import EAGER_FIELDS, SEAL, dump_parts, load_state
from ledgerflow.projections.current import CurrentState, ReplayGapError
from ledgerflow.storage.codec import Record as Rec

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def node(position: int, node_id: str = "DATANODE_a_1", key: str = "k") -> Rec:
    payload = {
        "config_id": "a",
        "scope": 1,
        "storage_type": "pickle",
        "owner_id": None,
        "properties": {},
        "validity_period": None,
        "version": "v",
        "key": key,
    }
    return Rec(position, node_id, 1, "ledgerflow.datanode.created", NOW, payload, {})


def test_an_event_applied_twice_is_ignored() -> None:
    state = CurrentState()
    assert state.apply(node(1)) is True
    assert state.apply(node(1)) is False
    assert list(state.data_nodes) == ["DATANODE_a_1"] and state.position == 1


def test_a_missing_event_is_a_gap() -> None:
    state = CurrentState()
    state.apply(node(1))
    with pytest.raises(ReplayGapError, match="DATANODE_a_1"):
        state.apply(Rec(3, "DATANODE_a_1", 3, "ledgerflow.datanode.deleted", NOW, {}, {}))


def test_deleting_a_shared_node_frees_its_key_for_a_new_incarnation() -> None:
    state = CurrentState()
    state.apply(node(1))
    assert state.by_key["k"] == "DATANODE_a_1" and state.next_key("k") == "k#0"
    state.apply(Rec(2, "DATANODE_a_1", 2, "ledgerflow.datanode.deleted", NOW, {}, {}))
    assert "k" not in state.by_key and state.next_key("k") == "k#1"


def test_job_history_and_indexes() -> None:
    state = CurrentState()
    created = {"task_id": "TASK_t", "submission_id": "S", "submit_entity_id": "X", "force": False, "version": "v"}
    created |= {"status": 1, "reason": None}
    state.apply(Rec(1, "JOB_t_1", 1, "ledgerflow.job.created", NOW, created, {}))
    changed = {"status": 3, "reason": None, "stacktrace": None, "fingerprint": None}
    state.apply(Rec(2, "JOB_t_1", 2, "ledgerflow.job.status_changed", NOW, changed, {}))
    job = state.jobs["JOB_t_1"]
    assert job.status is Status.PENDING and [c.status for c in job.history] == [Status.SUBMITTED, Status.PENDING]
    assert state.task_jobs["TASK_t"] == ["JOB_t_1"]


def test_a_job_created_skipped_shows_both_steps_from_its_one_event() -> None:
    state = CurrentState()
    created = {"task_id": "TASK_t", "submission_id": "S", "submit_entity_id": "X", "force": False, "version": "v"}
    created |= {"status": 8, "reason": "outputs are up to date"}
    state.apply(Rec(1, "JOB_t_1", 1, "ledgerflow.job.created", NOW, created, {}))
    job = state.jobs["JOB_t_1"]
    assert job.status is Status.SKIPPED
    assert [(c.status, c.reason) for c in job.history] == [
        (Status.SUBMITTED, None),
        (Status.SKIPPED, "outputs are up to date"),
    ]
    assert state.cache.unfinished_jobs == {}


def _job_created(position: int, job_id: str) -> Rec:
    created = {"task_id": "TASK_t", "submission_id": "S", "submit_entity_id": "X", "force": False, "version": "v"}
    created |= {"status": 1, "reason": None}
    return Rec(position, job_id, 1, "ledgerflow.job.created", NOW, created, {})


def _restore(
    state: CurrentState, *, gone: bool = False, pause: float = 0.0, refold: Callable[[], CurrentState] = CurrentState
) -> tuple[CurrentState, list[str]]:
    """``state`` saved in parts and restored lazily; the parts fetched since, as they are fetched.

    ``gone``: every fetch finds its part removed; ``pause``: each fetch gives up the GIL that long.
    """
    link = bytes(range(32))
    parts = dump_parts(state, link)
    fetched: list[str] = []

    def fetch(name: str) -> bytes | None:
        fetched.append(name)
        time.sleep(pause)
        return None if gone else parts[name]

    eager = {name: parts[name] for name in (*EAGER_FIELDS, SEAL)}
    return load_state(parts, eager, fetch, refold, position=state.position, link=link), fetched


def test_a_checkpoint_restores_the_same_state_loading_big_tables_on_first_use() -> None:
    state = CurrentState()
    state.apply(node(1))
    state.apply(_job_created(2, "JOB_t_1"))
    restored, fetched = _restore(state)
    assert "jobs" not in vars(restored) and restored.position == 2 and fetched == []
    assert restored.jobs["JOB_t_1"].task_id == "TASK_t" and fetched == ["jobs"]
    assert restored == state
    restored.apply(Rec(3, "DATANODE_a_1", 2, "ledgerflow.datanode.deleted", NOW, {}, {}))
    assert "DATANODE_a_1" not in restored.data_nodes


def test_new_events_fold_without_reading_the_checkpointed_revisions_and_merge_with_them_later() -> None:
    state = CurrentState()
    state.apply(node(1))
    restored, fetched = _restore(state)
    restored.apply(_job_created(2, "JOB_t_1"), new=True)
    assert "revisions" not in fetched and "cache" in fetched  # a job's creation is a cache fold
    assert restored.revisions == {"DATANODE_a_1": 1, "JOB_t_1": 1}
    assert not restored.apply(_job_created(2, "JOB_t_1"))  # read back from the log: already applied


def test_a_part_gone_from_the_store_is_folded_again_from_the_log() -> None:
    state = CurrentState()
    state.apply(node(1))
    state.apply(_job_created(2, "JOB_t_1"))

    def refold() -> CurrentState:
        again = CurrentState()
        again.apply_all([node(1), _job_created(2, "JOB_t_1")])
        return again

    restored, _ = _restore(state, gone=True, refold=refold)
    assert restored.jobs == state.jobs and restored == state


def test_two_threads_using_a_table_not_loaded_yet_share_one_load() -> None:
    state = CurrentState()
    state.apply(node(1))
    restored, fetched = _restore(state, pause=0.05)  # the other thread runs while one fetches
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(restored.data_nodes)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fetched == ["data_nodes"] and seen[0] is seen[1] is restored.data_nodes
