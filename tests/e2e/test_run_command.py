"""``ledgerflow run``: real mode options before the path, the rest for the application (issue 18, item 11)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "ledgerflow.cli"]
APP = """
import json, os, sys
keys = ("LEDGERFLOW_MODE", "LEDGERFLOW_VERSION", "LEDGERFLOW_FORCE")
print(json.dumps({"env": [os.environ.get(k) for k in keys], "argv": sys.argv[1:]}))
"""


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERFLOW_")}
    return subprocess.run(
        [*CLI, "run", *args], cwd=folder, capture_output=True, text=True, env={**env, "COLUMNS": "120"}, timeout=60
    )


@pytest.fixture
def app(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(APP)
    return tmp_path


def _seen(done: subprocess.CompletedProcess[str]) -> dict[str, list[str | None]]:
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_help_lists_the_mode_options(app: Path) -> None:
    shown = _run(app, "--help")
    assert shown.returncode == 0
    for option in ("--development", "--experiment [V]", "--production [V]", "--force / --no-force"):
        assert option in shown.stdout


@pytest.mark.parametrize(
    ("args", "env", "argv"),
    [
        (["--production", "app.py"], ["production", None, None], []),
        (["--experiment", "1.0", "--force", "app.py", "x", "--y"], ["experiment", "1.0", "true"], ["x", "--y"]),
        (["--experiment", "--no-force", "app.py"], ["experiment", None, "false"], []),
        (["--development", "app.py", "--flag-of-the-app"], ["development", None, None], ["--flag-of-the-app"]),
        (["app.py", "--experiment", "2", "Feb", "--zz"], ["experiment", "2", None], ["Feb", "--zz"]),  # Taipy order
    ],
)
def test_options_before_the_path_choose_the_mode_and_the_rest_goes_to_the_app(
    app: Path, args: list[str], env: list[str | None], argv: list[str]
) -> None:
    assert _seen(_run(app, *args)) == {"env": env, "argv": argv}


def test_unknown_or_conflicting_options_before_the_path_are_errors(app: Path) -> None:
    unknown = _run(app, "--bogus", "app.py")
    assert unknown.returncode == 2 and "No such option: --bogus" in unknown.stderr
    both = _run(app, "--development", "--production", "1", "app.py")
    assert both.returncode == 2 and "choose one of --development" in both.stderr
    assert "Traceback" not in unknown.stderr + both.stderr
