"""Shared fixtures: every test gets a fresh working directory, config and session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh working directory with a pristine config and no open session."""
    from ledgerflow.domain.config import Config
    from ledgerflow.executor.orchestrator import Orchestrator
    from ledgerflow.service import session

    monkeypatch.chdir(tmp_path)
    for key in ("LEDGERFLOW_MODE", "LEDGERFLOW_VERSION", "LEDGERFLOW_FORCE", "LEDGERFLOW_CONFIG_PATH"):
        monkeypatch.delenv(key, raising=False)
    if not os.environ.get("LEDGERFLOW_TEST_EVENT_STORE"):
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
    from ledgerflow.executor.orchestrator import Orchestrator

    Orchestrator().run()
    Config.unblock_update()
    yield workdir
