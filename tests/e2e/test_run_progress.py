"""Progress on a terminal while ``ledgerflow run`` waits on the application: its submissions' jobs and the
start-up's fold of a long log; nothing when stderr is not a terminal or with ``--quiet`` (issue 18, item 12)."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "ledgerflow.cli"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
CHAIN_APP = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import ledgerflow as lf
    from ledgerflow import Config


    printed = []


    def wait_for_release(x):
        while not Path("release").exists():
            time.sleep(0.05)
        if not printed:  # in the first submission only (development mode runs it in this process)
            printed.append(x)
            print("first prints [this]", flush=True)
        return x


    def fail(x):
        raise ValueError("boom")


    def double(x):
        return 2 * x


    a, b, c, d = (Config.configure_data_node(n, default_data=1 if n == "a" else None) for n in "abcd")
    tasks = [
        Config.configure_task("first", wait_for_release, a, b),
        Config.configure_task(sys.argv[1], fail if sys.argv[1] == "failing" else double, b, c),
        Config.configure_task("third", double, c, d),
    ]
    config = Config.configure_scenario("chain", tasks)

    if __name__ == "__main__":
        lf.Orchestrator().run()
        lf.submit(lf.create_scenario(config))
        print("after submit", flush=True)
        sys.stdout.write("half a line, ")
        sys.stdout.flush()
        lf.submit(lf.create_scenario(config))  # no bar while the line is not ended: it would erase it
        print("its end", flush=True)
        lf.Orchestrator().stop()
    """
)
# 15 submissions of a 200-task chain: some 24,000 events, more than a start-up shows progress from (20,000)
LONG_LOG_APP = textwrap.dedent(
    """
    import os
    import ledgerflow as lf
    from ledgerflow import Config


    def inc(x):
        return x + 1


    nodes = [Config.configure_data_node(f"n{i}", default_data=0 if i == 0 else None) for i in range(201)]
    tasks = [Config.configure_task(f"t{i}", inc, nodes[i], nodes[i + 1]) for i in range(200)]
    config = Config.configure_scenario("long", tasks)

    if __name__ == "__main__":
        lf.Orchestrator().run()
        for _ in range(15):
            lf.submit(lf.create_scenario(config))
        os._exit(0)  # killed before any checkpoint: the next start folds the whole log
    """
)
LOOK_APP = "import ledgerflow as lf\nprint(len(lf.get_scenarios()), 'scenarios')\n"


def _env() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("LEDGERFLOW_")}, "COLUMNS": "160"}


def _on_a_terminal(folder: Path, *args: str, until: str | None = None, then: Callable[[], None] | None = None) -> str:
    """What a user sees on the terminal (stdout and stderr) while ``ledgerflow ARGS`` runs; ``then()`` once
    ``until`` has been seen."""
    leader, follower = pty.openpty()
    process = subprocess.Popen([*CLI, *args], cwd=folder, env=_env(), stdout=follower, stderr=follower)
    os.close(follower)
    seen, deadline = b"", time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if until is not None and then is not None and until in ANSI.sub("", seen.decode(errors="replace")):
                then()
                then = None
            if select.select([leader], [], [], 0.1)[0]:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # the terminal closed: the command has ended
                    break
                if not data:
                    break
                seen += data
    finally:
        process.wait(timeout=60)
        os.close(leader)
    return seen.decode(errors="replace")


def _lines(screen: str) -> list[str]:
    """The pieces of text written between line starts, escapes taken out."""
    return [piece.strip() for piece in re.split(r"[\r\n]", ANSI.sub("", screen)) if piece.strip()]


def test_run_shows_the_jobs_of_a_submission_then_lets_the_application_write(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CHAIN_APP)
    screen = _on_a_terminal(
        tmp_path, "run", "app.py", "second", until="running: first", then=(tmp_path / "release").touch
    )
    lines = _lines(screen)
    assert any(re.fullmatch(r'scenario "chain" \S* ?0/3 jobs running: first', line) for line in lines), lines
    assert any(line.startswith('scenario "chain"') and line.endswith("3/3 jobs") for line in lines), lines
    # what the application and its tasks print is never written onto the bar's line
    assert "first prints [this]" in lines and "after submit" in lines and "half a line, its end" in lines


def test_run_counts_failures_and_jobs_not_run(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CHAIN_APP)
    (tmp_path / "release").touch()
    screen = _on_a_terminal(tmp_path, "run", "app.py", "failing")
    lines = _lines(screen)
    assert any(line.endswith("3/3 jobs 1 failed · 1 not run") for line in lines), lines
    assert any(line.startswith("[") and '[ERROR] Task "failing" failed' in line for line in lines), lines


def test_no_progress_when_piped_or_quiet(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CHAIN_APP)
    (tmp_path / "release").touch()
    piped = subprocess.run(
        [*CLI, "run", "app.py", "second"], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120
    )
    assert piped.returncode == 0 and "jobs" not in piped.stderr and "after submit" in piped.stdout
    quiet = _on_a_terminal(tmp_path, "--quiet", "run", "app.py", "second")
    assert "after submit" in quiet and "jobs" not in quiet


def test_a_long_fold_at_start_up_shows_its_progress(tmp_path: Path) -> None:
    (tmp_path / "long.py").write_text(LONG_LOG_APP)
    (tmp_path / "look.py").write_text(LOOK_APP)
    subprocess.run([sys.executable, "long.py"], cwd=tmp_path, env=_env(), check=True, timeout=300)
    lines = _lines(_on_a_terminal(tmp_path, "run", "look.py"))
    folded = [re.search(r"(\d+)/(\d+) events", line) for line in lines if line.startswith("Reading the log")]
    totals = {int(m.group(2)) for m in folded if m}
    assert totals and min(totals) > 20_000 and any(m and m.group(1) == m.group(2) for m in folded), lines
    assert "15 scenarios" in lines
    # that start saved a checkpoint: the next one has nothing long to fold
    assert not any("Reading the log" in line for line in _lines(_on_a_terminal(tmp_path, "run", "look.py")))


def test_a_maintenance_command_shows_a_long_fold(tmp_path: Path) -> None:
    (tmp_path / "long.py").write_text(LONG_LOG_APP)
    subprocess.run([sys.executable, "long.py"], cwd=tmp_path, env=_env(), check=True, timeout=300)
    lines = _lines(_on_a_terminal(tmp_path, "manage-versions", "--list"))
    assert any(line.startswith("Reading the log") and "events" in line for line in lines), lines
    assert any("Development (latest)" in line for line in lines), lines
