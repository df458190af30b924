"""Retention: ``ledgerflow compact`` removes payloads no kept write uses, archives them, and records it."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import ledgerflow as lf
from ledgerflow import Config
from ledgerflow.cli import app
from ledgerflow.domain.errors import LedgerflowError
from ledgerflow.projections.checkpoint import checkpoint_name
from ledgerflow.service import session
from ledgerflow.service.audit import compaction
from ledgerflow.service.audit.compaction import RetentionPolicy
from ledgerflow.storage import BlobNotFound, BlobStore, EventStore

BIG = 100_000  # bytes: stored as a file, not in the database


def write_history(workdir: Path) -> dict[str, list[str]]:
    """Nodes with several writes (in an experiment version, so they outlive the session); their hashes."""
    Config.configure_core(mode="experiment", version_number="retention")
    sales = Config.configure_data_node("sales", default_data=0)
    big = Config.configure_data_node("big")
    dup = Config.configure_data_node("dup")
    scenario = lf.create_scenario(Config.configure_scenario("s", [], additional_data_node_configs=[sales, big, dup]))
    for value in (1, 2, 3):
        scenario.sales.write(value)
    for fill in (b"a", b"b"):
        scenario.big.write(fill * BIG)
    for value in ("x", "y", "x"):
        scenario.dup.write(value)
    hashes = {name: [e["hash"] for e in getattr(scenario, name).edits] for name in ("sales", "big", "dup")}
    session.close()
    return hashes


def open_blobs(workdir: Path) -> tuple[EventStore, BlobStore]:
    store = EventStore.open(workdir / ".ledgerflow" / "events.db", create=False)
    return store, BlobStore(workdir / ".ledgerflow" / "blobs", inline=store.inline_blobs)


def readable(blobs: BlobStore, digest: str) -> bool:
    try:
        blobs.get(digest)
    except BlobNotFound:
        return False
    return True


def compact(*args: str) -> Any:
    result = CliRunner().invoke(app, ["compact", *args])
    assert result.exit_code == 0, result.output
    return result


def test_compact_keeps_the_current_values_and_archives_the_rest(workdir: Path) -> None:
    hashes = write_history(workdir)
    archive = workdir / "old-values.zip"
    out = compact("--keep-days", "0", "--archive", str(archive)).output
    assert "5 payloads no longer kept" in out and str(archive) in out
    removed = {*hashes["sales"][:3], hashes["big"][0], hashes["dup"][1]}
    kept = {hashes["sales"][3], hashes["big"][1], hashes["dup"][2]}  # dup's latest equals its first
    store, blobs = open_blobs(workdir)
    assert [readable(blobs, h) for h in sorted(removed)] == [False] * 5
    assert all(readable(blobs, h) for h in kept)
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        assert {p["hash"] for p in manifest["payloads"]} == removed
        for digest in removed:
            assert hashlib.sha256(zipped.read(f"blobs/{digest[:2]}/{digest[2:]}")).hexdigest() == digest
    recorded = store.read(topics=["ledgerflow.compaction.done"])
    assert len(recorded) == 1 and set(recorded[0].payload["removed"]) == removed
    assert recorded[0].payload["archive"] == str(archive)
    assert store.checkpoints.load(checkpoint_name())[0] == store.max_position()  # type: ignore[index]
    store.close()
    assert lf.get_data_nodes()[0].read() is not None  # the application still opens and reads
    session.close()
    assert "Restored 5 payloads" in compact("--restore", str(archive)).output
    store, blobs = open_blobs(workdir)
    assert all(readable(blobs, h) for h in removed)
    store.close()


def test_a_dry_run_changes_nothing(workdir: Path) -> None:
    hashes = write_history(workdir)
    out = compact("--keep-days", "0", "--keep-versions", "2", "--dry-run").output
    assert "2 payloads no longer kept" in out and "Dry run" in out
    store, blobs = open_blobs(workdir)
    assert all(readable(blobs, h) for hs in hashes.values() for h in hs)
    assert store.read(topics=["ledgerflow.compaction.done"]) == []
    assert not (workdir / ".ledgerflow" / "archive").exists()
    store.close()


def test_recent_values_are_kept_for_keep_days(workdir: Path) -> None:
    hashes = write_history(workdir)
    runtime = session.current().runtime
    soon = datetime.now(UTC) + timedelta(days=10)
    report = compaction.compact(runtime, RetentionPolicy(keep_days=30), delete=True, now=soon)
    assert report.removed == [] and report.kept_writes == report.writes == 9
    later = datetime.now(UTC) + timedelta(days=31)
    report = compaction.compact(runtime, RetentionPolicy(keep_days=30, keep_versions=2), delete=True, now=later)
    assert {p.hash for p in report.removed} == set(hashes["sales"][:2])
    assert report.archive is None and not list((workdir / ".ledgerflow").glob("archive/*.zip"))


def test_a_deleted_node_keeps_only_its_recent_values(workdir: Path) -> None:
    hashes = write_history(workdir)
    scenario = lf.get_scenarios()[0]
    lf.delete(scenario.id)
    runtime = session.current().runtime
    report = compaction.compact(runtime, RetentionPolicy(keep_days=1), delete=True)
    assert report.removed == []
    later = datetime.now(UTC) + timedelta(days=2)
    report = compaction.compact(runtime, RetentionPolicy(keep_days=1), delete=True, now=later)
    assert {p.hash for p in report.removed} == {h for hs in hashes.values() for h in hs}


def test_a_payload_written_again_during_the_run_is_put_back(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hashes = write_history(workdir)
    runtime = session.current().runtime
    remove = compaction._remove

    def remove_then_write_again(runtime: Any, digests: list[str]) -> None:
        remove(runtime, digests)
        lf.get_scenarios()[0].sales.write(1)  # the value of a removed payload, written meanwhile

    monkeypatch.setattr(compaction, "_remove", remove_then_write_again)
    report = compaction.compact(runtime, RetentionPolicy(keep_days=0), delete=True)
    assert report.put_back == [hashes["sales"][1]]
    assert hashes["sales"][1] not in {p.hash for p in report.removed}
    store, blobs = open_blobs(workdir)
    assert readable(blobs, hashes["sales"][1])
    store.close()


def test_bad_policies_are_refused_before_anything_changes(workdir: Path) -> None:
    write_history(workdir)
    for args, message in (
        (["--keep-versions", "0"], "keep_versions is 0: it must be at least 1"),
        (["--keep-days", "-1"], "keep_days is -1.0"),
        (["--delete", "--archive", "x.zip"], "not both"),
    ):
        result = CliRunner().invoke(app, ["compact", *args])
        assert result.exit_code != 0 and message in result.output
    with pytest.raises(LedgerflowError):
        RetentionPolicy(keep_versions=0)


def test_a_value_written_again_after_compacting_in_the_same_process_is_stored_again(workdir: Path) -> None:
    Config.configure_core(mode="experiment", version_number="retention")
    sales = Config.configure_data_node("sales")
    scenario = lf.create_scenario(Config.configure_scenario("s", [], additional_data_node_configs=[sales]))
    for value in (1, 2):
        scenario.sales.write(value)
    report = compaction.compact(session.current().runtime, RetentionPolicy(keep_days=0), delete=True)
    assert len(report.removed) == 1
    scenario.sales.write(1)  # the removed payload's value
    rewritten = scenario.sales.edits[-1]["hash"]
    assert rewritten == report.removed[0].hash
    session.close()
    store, blobs = open_blobs(workdir)
    assert readable(blobs, rewritten)  # stored again, not trusted from before the compaction
    store.close()
