"""A store whose log no longer matches its hash chain at the tail is not opened for writing (issue 12, item 4)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import ledgerflow as lf
from ledgerflow import Config
from ledgerflow.service import session
from ledgerflow.storage.errors import ChainBroken


def _fill() -> None:
    """A scenario, a few writes and a checkpoint before the last ones; the session closed."""
    Config.configure_core(mode="experiment", version_number="v")
    x = Config.configure_data_node("x", default_data=0)
    scenario = lf.create_scenario(Config.configure_scenario("s", additional_data_node_configs=[x]))
    for value in range(3):
        scenario.x.write(value)
    session.current().runtime.save_checkpoint(force=True)
    for value in range(3, 6):
        scenario.x.write(value)
    session.close()


@pytest.fixture
def store_file(workdir: Path) -> Path:
    """A SQLite store filled by ``_fill``."""
    _fill()
    return workdir / ".ledgerflow" / "events.db"


def _sql(path: Path, statement: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(statement)


def _audit_verify(workdir: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ledgerflow.cli", "audit", "verify"]
    return subprocess.run(command, cwd=workdir, capture_output=True, text=True)


def _refused(workdir: Path, problem: str) -> None:
    with pytest.raises(ChainBroken) as caught:
        lf.get_scenarios()
    message = str(caught.value)
    assert "\n" not in message and "ledgerflow audit verify" in message and problem in message
    assert _audit_verify(workdir).returncode != 0  # read-only commands still open it, and say what is wrong


def test_a_healthy_store_opens(store_file: Path) -> None:
    assert len(lf.get_scenarios()) == 1


def test_an_event_edited_in_the_tail_is_refused(workdir: Path, store_file: Path) -> None:
    _sql(
        store_file,
        "UPDATE stored_events SET state = CAST('{}' AS BLOB) WHERE rowid = (SELECT max(rowid) - 1 FROM stored_events)",
    )
    _refused(workdir, "was altered")


def test_a_cut_tail_is_refused_instead_of_failing_at_the_first_commit(workdir: Path, store_file: Path) -> None:
    _sql(store_file, "DELETE FROM stored_events WHERE rowid > (SELECT max(rowid) - 2 FROM stored_events)")
    _refused(workdir, "was removed")


def test_an_event_added_behind_ledgerflows_back_is_refused(workdir: Path, store_file: Path) -> None:
    _sql(store_file, "DELETE FROM ledgerflow_chain WHERE position = (SELECT max(position) FROM ledgerflow_chain)")
    _refused(workdir, "has no link")


@pytest.mark.postgres
def test_a_cut_tail_on_postgresql_is_refused(workdir: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    monkeypatch.setenv("LEDGERFLOW_EVENT_STORE", postgres_url)
    _fill()
    base, schema = postgres_url.split("?schema=")
    with psycopg.connect(base, autocommit=True) as conn:
        table = f'"{schema}".ledgerflow_events'
        conn.execute(f"DELETE FROM {table} WHERE notification_id > (SELECT max(notification_id) - 2 FROM {table})")
    with pytest.raises(ChainBroken, match="was removed"):
        lf.get_scenarios()
