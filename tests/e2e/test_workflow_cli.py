"""The workflow example and ``ledgerflow preview``, run as a user would."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parents[2] / "examples" / "workflow" / "main.py"

pytestmark = pytest.mark.slow


def ledgerflow(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ledgerflow.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def events_in(folder: Path) -> int:
    from ledgerflow.storage.eventstore import EventStore

    with EventStore.open(folder / ".ledgerflow" / "events.db", create=False) as store:
        return store.max_position()


def test_preview_tells_what_the_next_run_would_do_and_records_nothing(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "main.py")
    fresh = ledgerflow("preview", "main.py", cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
    assert "└─ planning: would run (never ran)" in fresh.stdout and not (tmp_path / ".ledgerflow").exists()

    first = ledgerflow("run", "main.py", "--experiment", "forecast", "February", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "* 3 ran:" in first.stdout and "production orders: 165.0" in first.stdout

    before = events_in(tmp_path)
    unchanged = ledgerflow("preview", "main.py", "--version", "forecast", cwd=tmp_path)
    assert unchanged.returncode == 0, unchanged.stderr
    assert "Looking at experiment version forecast." in unchanged.stdout
    assert "3 tasks: 3 would skip" in unchanged.stdout

    script = tmp_path / "main.py"
    script.write_text(script.read_text().replace("return min(sales_predictions, capacity)", "return capacity"))
    changed = ledgerflow("preview", "main.py", "forecast", "--version", "forecast", cwd=tmp_path)
    assert "└─ planning: would run (code of planning changed)" in changed.stdout, changed.stderr
    assert "      └─ training: would skip (outputs are up to date)" in changed.stdout
    assert events_in(tmp_path) == before  # a preview records nothing


def test_preview_refuses_unknown_configs_and_versions(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "main.py")
    unknown_config = ledgerflow("preview", "main.py", "sales", cwd=tmp_path)
    assert unknown_config.returncode != 0 and 'No scenario config "sales"' in unknown_config.stderr
    unknown_version = ledgerflow("preview", "main.py", "--version", "2", cwd=tmp_path)
    assert unknown_version.returncode != 0
    assert "Version 2 does not exist: run the application with --experiment 2 first" in unknown_version.stderr
    missing = ledgerflow("preview", "nowhere.py", cwd=tmp_path)
    assert missing.returncode != 0 and "Application file nowhere.py not found" in missing.stderr
