"""Shared fixtures: every test gets a fresh working directory, config and session."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from backends import POSTGRES_URL, postgres_reachable


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL schema, dropped afterwards."""
    postgres_reachable()
    import psycopg

    schema = f"lf_test_{uuid.uuid4().hex[:12]}"
    yield f"{POSTGRES_URL}?schema={schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def event_store_url() -> str | None:
    """The event store tests use: None means the default SQLite file (override to change)."""
    return None


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, event_store_url: str | None) -> Iterator[Path]:
    """A fresh working directory with a pristine config and no open session."""
    from ledgerflow.domain.config import Config
    from ledgerflow.service import session
    from ledgerflow.service.orchestrator import Orchestrator

    monkeypatch.chdir(tmp_path)
    for key in ("LEDGERFLOW_MODE", "LEDGERFLOW_VERSION", "LEDGERFLOW_FORCE", "LEDGERFLOW_CONFIG_PATH"):
        monkeypatch.delenv(key, raising=False)
    if event_store_url:
        monkeypatch.setenv("LEDGERFLOW_EVENT_STORE", event_store_url)
    else:
        monkeypatch.delenv("LEDGERFLOW_EVENT_STORE", raising=False)
    session.close()
    Config._reset()
    yield tmp_path
    Orchestrator().stop()
    session.close()
    Config._reset()


@pytest.fixture
def running(workdir: Path) -> Iterator[Path]:
    """A working directory with the orchestrator running (development mode).

    The config stays open to changes, so tests can configure after the start.
    """
    from ledgerflow.domain.config import Config
    from ledgerflow.service.orchestrator import Orchestrator

    Orchestrator().run()
    Config.unblock_update()
    yield workdir
