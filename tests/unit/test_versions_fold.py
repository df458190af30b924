"""The Version aggregate's rules, and the fold steps of versions on hand-made records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ledgerflow.domain.errors import LedgerflowError, NonExistingVersion, VersionIsNotProductionVersion
from ledgerflow.domain.version import EXPERIMENT, PRODUCTION, Version
from ledgerflow.projections.current import CurrentState
from ledgerflow.storage.codec import Record as Rec

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def version(name: str = "1.0", mode: str = EXPERIMENT) -> Version:
    return Version(id=f"VERSION_{name}", name=name, mode=mode, config={}, creation_date=T0)


def test_only_a_production_version_can_leave_production() -> None:
    v = version()
    with pytest.raises(VersionIsNotProductionVersion, match=r"Version '1\.0' is not a production version\."):
        v.demote()
    v.promote()
    v.promote()  # already production: nothing more is recorded
    v.demote()
    assert v.mode == EXPERIMENT
    assert [type(e).__name__ for e in v.collect_events()] == ["Created", "ModeChanged", "ModeChanged"]


def test_a_renamed_or_deleted_version_is_retired_until_revived() -> None:
    v = version()
    with pytest.raises(LedgerflowError, match="new, non-empty name"):
        v.rename("1.0")
    v.rename("1.1")
    with pytest.raises(NonExistingVersion):
        v.start()
    v.revive(PRODUCTION, {}, T0)
    v.start()
    v.delete()
    with pytest.raises(NonExistingVersion):
        v.delete()
    with pytest.raises(LedgerflowError, match="already used"):
        version("2.0").revive(EXPERIMENT, {}, T0)


def test_migrations_go_to_a_production_version_from_another_one() -> None:
    with pytest.raises(VersionIsNotProductionVersion):
        version("2.0").record_migration("1.0", {}, 0)
    with pytest.raises(LedgerflowError, match="cannot be migrated to itself"):
        version("2.0", PRODUCTION).record_migration("2.0", {}, 0)


class Log:
    """Hand-made records, with positions and per-aggregate versions."""

    def __init__(self) -> None:
        self.state = CurrentState()
        self.versions: dict[str, int] = {}

    def add(self, entity_id: str, topic: str, **payload: Any) -> None:
        self.versions[entity_id] = self.versions.get(entity_id, 0) + 1
        position = self.state.position + 1
        moment = T0 + timedelta(seconds=position)
        self.state.apply(Rec(position, entity_id, self.versions[entity_id], topic, moment, payload, {}))

    def version(self, name: str, mode: str = EXPERIMENT) -> None:
        created = {"name": name, "mode": mode, "config": {}, "creation_date": T0}
        self.add(f"VERSION_{name}", "ledgerflow.version.created", **created)

    def global_node(self, node_id: str, version: str) -> None:
        payload = {
            "config_id": "a",
            "scope": 3,
            "storage_type": "pickle",
            "owner_id": None,
            "properties": {},
            "validity_period": None,
            "version": version,
            "key": f"DATANODE|a||{version}",
        }
        self.add(node_id, "ledgerflow.datanode.created", **payload)


def test_a_rename_moves_entities_and_re_keys_shared_ones() -> None:
    log = Log()
    log.version("1.0")
    log.global_node("DATANODE_a_1", "1.0")
    log.add("VERSION_1.0", "ledgerflow.version.renamed", new_name="1.1")
    log.version("1.1")
    state = log.state
    assert list(state.versions) == ["1.1"] and state.data_nodes["DATANODE_a_1"].version == "1.1"
    assert state.by_key == {"DATANODE|a||1.1": "DATANODE_a_1"}
    assert state.next_key("DATANODE|a||1.0") == "DATANODE|a||1.0#1"  # a new node under the old key gets a new id
    assert state.versions["1.1"].started_at == T0 + timedelta(seconds=1)  # the renamed version keeps its last run


def test_a_migration_keeps_the_shared_entity_the_new_version_already_has() -> None:
    log = Log()
    log.version("1.0", PRODUCTION)
    log.global_node("DATANODE_a_1", "1.0")
    log.version("2.0", PRODUCTION)
    log.global_node("DATANODE_a_2", "2.0")
    log.add("VERSION_2.0", "ledgerflow.version.migrated", from_version="1.0", functions={}, entities=1)
    state = log.state
    assert state.data_nodes["DATANODE_a_1"].version == "2.0"
    assert state.by_key == {"DATANODE|a||1.0": "DATANODE_a_1", "DATANODE|a||2.0": "DATANODE_a_2"}
    assert state.versions["1.0"].promoted_at < state.versions["2.0"].promoted_at  # type: ignore[operator]
