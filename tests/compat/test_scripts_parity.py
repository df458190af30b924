"""Taipy scripts run as programs: the version flags of their own command line, standalone runs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).parent / "scripts"


def _run(folder: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(SCRIPTS / script, folder / script)
    env_free = {k: v for k, v in __import__("os").environ.items() if not k.startswith("LEDGERFLOW_")}
    return subprocess.run(
        [sys.executable, script, *args], cwd=folder, capture_output=True, text=True, timeout=180, env=env_free
    )


def test_the_experiment_flag_of_the_script_picks_the_version(tmp_path: Path) -> None:
    first = _run(tmp_path, "seed.py", "--experiment", "1.0")
    assert first.returncode == 0, first.stderr
    assert "Status.COMPLETED" in first.stdout and "Number of scenarios: 1" in first.stdout
    second = _run(tmp_path, "seed.py", "--experiment", "1.0")
    assert "Number of scenarios: 2" in second.stdout, second.stderr
    development = _run(tmp_path, "seed.py", "--development")
    assert "Number of scenarios: 1" in development.stdout
    again = _run(tmp_path, "seed.py", "--taipy-experiment", "1.0")
    assert "Number of scenarios: 3" in again.stdout, again.stderr


def test_a_conflicting_experiment_needs_force(tmp_path: Path) -> None:
    assert _run(tmp_path, "seed.py", "--experiment", "1.0").returncode == 0
    script = tmp_path / "seed.py"
    script.write_text(script.read_text().replace('default_data="a_string"', 'default_data="other"'))
    refused = subprocess.run(
        [sys.executable, "seed.py", "--experiment", "1.0"], cwd=tmp_path, capture_output=True, text=True, timeout=180
    )
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    forced = subprocess.run(
        [sys.executable, "seed.py", "--experiment", "1.0", "--force"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert forced.returncode == 0 and "Number of scenarios: 2" in forced.stdout, forced.stderr


@pytest.mark.slow
def test_the_standalone_tutorial_runs_without_errors(tmp_path: Path) -> None:
    done = _run(tmp_path, "job_execution.py")
    assert done.returncode == 0, done.stderr
    assert "outputs 52 52" in done.stdout
    assert "could not be run" not in done.stderr + done.stdout
    assert "ConfigCheckError" not in done.stderr + done.stdout
