"""Replaying entity index rows: who is alive, in which version, in the fold's order."""

from __future__ import annotations

from typing import NamedTuple

from ledgerflow.service.timetravel.past_listings import alive, listed
from ledgerflow.storage.entity_index import Change, index_rows


class Move(NamedTuple):
    position: int
    old: str
    new: str


def created(position: int, entity_id: str, version: str = "v1") -> Change:
    return (position, entity_id, "c", version, position * 10)


def test_deleted_entities_leave_and_a_recreated_one_comes_last() -> None:
    changes = [
        created(1, "A"),
        created(2, "B"),
        created(3, "C"),
        (4, "A", "d", None, None),
        created(5, "A"),
        (6, "B", "d", None, None),
    ]
    living = alive(changes, [])
    assert list(living) == ["C", "A"]
    assert living["A"] == ("v1", 50)


def test_a_version_move_applies_to_entities_of_its_old_version_created_before_it() -> None:
    changes = [created(1, "A", "old"), created(2, "B", "other"), created(4, "C", "old")]
    living = alive(changes, [Move(3, "old", "new")])
    assert {entity_id: version for entity_id, (version, _) in living.items()} == {"A": "new", "B": "other", "C": "old"}


def test_a_migration_moves_one_entity_and_later_version_moves_follow_it() -> None:
    changes = [created(1, "A", "1.0"), created(2, "B", "1.0"), (3, "A", "m", "2.0", None)]
    living = alive(changes, [Move(5, "2.0", "3.0")])
    assert {entity_id: version for entity_id, (version, _) in living.items()} == {"A": "3.0", "B": "1.0"}


def test_listed_keeps_the_visible_versions_only() -> None:
    changes = [created(1, "A", "dev"), created(2, "B", "prod"), created(3, "C", "prod")]
    assert list(listed(changes, [], lambda version: version == "prod")) == ["B", "C"]


def test_index_rows_come_from_creations_deletions_and_migrations_only() -> None:
    rows = [
        ("SCENARIO_s_1", 1, "ledgerflow.scenario.created", b'{"timestamp":"1970-01-01T00:00:01+00:00","version":"v"}'),
        ("SCENARIO_s_1", 2, "ledgerflow.scenario.tagged", b'{"timestamp":"1970-01-01T00:00:02+00:00","tag":"x"}'),
        ("TASK_t_1", 2, "ledgerflow.task.migrated", b'{"timestamp":"1970-01-01T00:00:03+00:00","to_version":"w"}'),
        ("JOB_t_1", 3, "ledgerflow.job.deleted", b'{"timestamp":"1970-01-01T00:00:04+00:00"}'),
    ]
    assert index_rows(rows, [7, 8, 9, 10]) == [
        ("scenarios", 7, "SCENARIO_s_1", "c", "v", 1_000_000),
        ("tasks", 9, "TASK_t_1", "m", "w", None),
        ("jobs", 10, "JOB_t_1", "d", None, None),
    ]
