"""Starting a session while another process starts the same version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError

import ledgerflow as lf
from ledgerflow import Config
from ledgerflow.service import session
from ledgerflow.service.versions import activation as versions


def test_a_version_start_that_lost_a_race_reads_the_log_again_and_succeeds(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Config.configure_core(mode="experiment", version_number="shared")
    attempts: list[int] = []

    def racing_activate(*args: Any) -> versions.ActiveVersion:
        attempts.append(1)
        if len(attempts) == 1:
            raise IntegrityError("Version shared was just created by another process.")
        return versions.activate(*args)

    monkeypatch.setattr(session, "activate", racing_activate)
    lf.Orchestrator().run()
    assert len(attempts) == 2 and session.current().version.name == "shared"
