"""The seed example of Taipy's production-mode page, run as a user would."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SEED = Path(__file__).parents[2] / "examples" / "seed" / "main.py"

pytestmark = pytest.mark.slow


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_seed_prints_one_scenario_on_every_development_run(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "main.py")
    for _ in range(3):
        result = run([sys.executable, "main.py"], tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == "Number of scenarios: 1"
    assert (tmp_path / ".ledgerflow" / "events.db").exists()


def test_seed_through_the_cli_records_every_step(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "main.py")
    result = run([sys.executable, "-m", "ledgerflow.cli", "run", "main.py"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Number of scenarios: 1" in result.stdout
    check = (
        "from ledgerflow.storage.eventstore import EventStore\n"
        "store = EventStore.open('.ledgerflow/events.db')\n"
        "print(sorted({r.topic for r in store.iter_records()}))\n"
    )
    topics = run([sys.executable, "-c", check], tmp_path).stdout
    for topic in ("version.created", "scenario.created", "task.created", "datanode.created", "datanode.written"):
        assert f"ledgerflow.{topic}" in topics


def test_experiment_runs_keep_their_scenarios(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "main.py")
    counts = []
    for _ in range(2):
        result = run([sys.executable, "-m", "ledgerflow.cli", "run", "main.py", "--experiment", "1.0"], tmp_path)
        assert result.returncode == 0, result.stderr
        counts.append(result.stdout.strip().splitlines()[-1])
    assert counts == ["Number of scenarios: 1", "Number of scenarios: 2"]


def test_a_corrupt_event_store_gives_a_clear_error(tmp_path: Path) -> None:
    shutil.copy(SEED, tmp_path / "main.py")
    (tmp_path / ".ledgerflow").mkdir()
    (tmp_path / ".ledgerflow" / "events.db").write_bytes(b"this is not a database" * 100)
    result = run([sys.executable, "main.py"], tmp_path)
    assert result.returncode != 0
    assert "events.db" in result.stderr and "sqlite3.DatabaseError" not in result.stderr.splitlines()[-1]
