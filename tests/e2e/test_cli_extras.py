"""``ledgerflow --version``, shell completion, ``jobs``, ``--quiet``/``--verbose`` and progress bars
(issue 18, item 12)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import textwrap
import time
from importlib.metadata import version
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "ledgerflow.cli"]
SLOW_APP = textwrap.dedent(
    """
    import time
    from pathlib import Path
    import ledgerflow as lf
    from ledgerflow import Config


    def wait_for_release(x):
        while not Path("release").exists():
            time.sleep(0.05)
        return x


    def double(x):
        return 2 * x


    Config.configure_core(mode="experiment", version_number="slow")
    a, b, c = (Config.configure_data_node(n, default_data=1 if n == "a" else None) for n in "abc")
    first = Config.configure_task("first", wait_for_release, a, b)
    second = Config.configure_task("second", double, b, c)
    config = Config.configure_scenario("s", [first, second])

    if __name__ == "__main__":
        lf.Orchestrator().run()
        lf.submit(lf.create_scenario(config))
        lf.Orchestrator().stop()
    """
)


def _env(**extra: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("LEDGERFLOW_")}, "COLUMNS": "200", **extra}


def _cli(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=folder, capture_output=True, text=True, env=_env(**env), timeout=60)


def test_version_and_shell_completion(tmp_path: Path) -> None:
    shown = _cli(tmp_path, "--version")
    assert shown.returncode == 0 and shown.stdout.strip() == f"ledgerflow {version('ledgerflow')}"
    # Typer's switch for tests: --show-completion takes the shell's name instead of detecting the calling one
    script = _cli(tmp_path, "--show-completion", "bash", _TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION="1")
    assert script.returncode == 0 and "complete" in script.stdout
    console_script = Path(sys.executable).parent / "ledgerflow"  # completion is keyed by the program's name
    completed = subprocess.run(
        [str(console_script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=_env(_LEDGERFLOW_COMPLETE="complete_bash", COMP_WORDS="ledgerflow manage-", COMP_CWORD="1"),
        timeout=60,
    )
    assert "manage-versions" in completed.stdout.split()


def test_jobs_lists_what_another_process_runs_and_queues(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(SLOW_APP)
    app = subprocess.Popen([sys.executable, "app.py"], cwd=tmp_path, env=_env(), stderr=subprocess.PIPE, text=True)
    try:
        deadline, rows = time.monotonic() + 60, []
        while time.monotonic() < deadline:
            if (tmp_path / ".ledgerflow" / "events.db").exists():
                listed = _cli(tmp_path, "jobs", "--json")
                rows = [json.loads(line) for line in listed.stdout.splitlines()]
                if any(r["status"] == "RUNNING" for r in rows):
                    break
            time.sleep(0.2)
        running = [r for r in rows if r["status"] == "RUNNING"]
        assert running and running[0]["task"] == "first", rows
        assert running[0]["process"].endswith(f":{app.pid}") and running[0]["process_state"] == "running"
        table = _cli(tmp_path, "jobs").stdout
        assert "first" in table and "RUNNING" in table and f":{app.pid} (running)" in table
    finally:
        (tmp_path / "release").touch()
        app.wait(timeout=60)
    assert "No job is queued or running." in _cli(tmp_path, "jobs").stdout


def test_progress_shows_on_a_terminal_and_quiet_silences_it(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import ledgerflow as lf\nlf.Orchestrator().run()\nlf.Orchestrator().stop()\n")
    subprocess.run([sys.executable, "app.py"], cwd=tmp_path, env=_env(), check=True, timeout=60)

    def stderr_on_a_terminal(*args: str) -> str:
        leader, follower = pty.openpty()
        done = subprocess.run(
            [*CLI, *args], cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=follower, timeout=60
        )
        os.close(follower)
        chunks = []
        try:
            while data := os.read(leader, 65536):
                chunks.append(data)
        except OSError:  # the terminal closed
            pass
        os.close(leader)
        assert done.returncode == 0
        return b"".join(chunks).decode(errors="replace")

    assert "Replaying the log" in stderr_on_a_terminal("replay")
    assert "Replaying the log" not in stderr_on_a_terminal("--quiet", "replay")


def test_verbose_and_quiet_reach_the_application(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import logging, ledgerflow as lf\nlf.Orchestrator().run()\n"
        "logging.getLogger('ledgerflow').debug('a debug line')\nlogging.getLogger('ledgerflow').info('an info line')\n"
    )
    verbose = _cli(tmp_path, "--verbose", "run", "app.py")
    assert "a debug line" in verbose.stderr and "an info line" in verbose.stderr
    quiet = _cli(tmp_path, "--quiet", "run", "app.py")
    assert "an info line" not in quiet.stderr
    assert _cli(tmp_path, "--verbose", "--quiet", "jobs").returncode == 2
