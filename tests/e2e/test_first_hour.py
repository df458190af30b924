"""What a user does by accident in the first hour loses no work and hides no failure (issue: trust)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

APP = textwrap.dedent(
    """
    import sys
    import ledgerflow as lf
    from ledgerflow import Config

    def double(x):
        return x * 2

    def broken(x):
        raise ValueError("the input is not what I expected")

    def leave(x):
        sys.exit(3)

    def forever(x):
        import time
        while True:
            time.sleep(0.05)

    FUNCTIONS = {"double": double, "broken": broken, "leave": leave, "forever": forever}

    def configure(kind, **task_properties):
        a = Config.configure_data_node("a", default_data=21)
        b = Config.configure_data_node("b")
        c = Config.configure_data_node("c")
        first = Config.configure_task("first", FUNCTIONS[kind], a, b, **task_properties)
        second = Config.configure_task("second", double, b, c)
        return Config.configure_scenario("pipeline", [first, second])

    if __name__ == "__main__":
        kind = sys.argv[1] if len(sys.argv) > 1 else "double"
        props = {"timeout": float(sys.argv[2])} if len(sys.argv) > 2 else {}
        scenario_config = configure(kind, **props)
        lf.Orchestrator().run()
        scenario = lf.create_scenario(scenario_config)
        print("SCENARIO", scenario.id, flush=True)
        submission = lf.submit(scenario)
        print("STATUS", submission.status.name, flush=True)
        lf.Orchestrator().stop()
    """
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for key in ("LEDGERFLOW_MODE", "LEDGERFLOW_VERSION", "LEDGERFLOW_FORCE", "LEDGERFLOW_EVENT_STORE"):
        env.pop(key, None)
    return env


def _app(tmp_path: Path) -> Path:
    (tmp_path / "main.py").write_text(APP)
    return tmp_path / "main.py"


def _run(tmp_path: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=timeout
    )


def _events(tmp_path: Path) -> list[str]:
    listed = _run(tmp_path, "-m", "ledgerflow.cli", "events", "--json")
    assert listed.returncode == 0, listed.stderr
    return [line for line in listed.stdout.splitlines() if line.strip()]


def test_a_read_only_look_changes_nothing(tmp_path: Path) -> None:
    _app(tmp_path)
    assert _run(tmp_path, "main.py").returncode == 0
    before = _events(tmp_path)
    look = "import main, ledgerflow as lf; print(len(lf.get_scenarios()), len(lf.get_jobs()))"
    looked = _run(tmp_path, "-c", look)
    assert looked.returncode == 0, looked.stderr
    assert looked.stdout.split() == ["1", "2"]  # the last development run's results, as it left them
    assert _events(tmp_path) == before  # no version start, no deletion, nothing


def test_a_failing_task_is_logged_and_fails_the_run(tmp_path: Path) -> None:
    _app(tmp_path)
    ran = _run(tmp_path, "-m", "ledgerflow.cli", "run", "main.py", "broken")
    assert ran.returncode != 0
    assert "ERROR" in ran.stderr and "the input is not what I expected" in ran.stderr
    assert 'Task "first"' in ran.stderr and "main.py" in ran.stderr  # the task and the user's frame


def test_sys_exit_in_a_task_fails_the_job_not_the_engine(tmp_path: Path) -> None:
    _app(tmp_path)
    ran = _run(tmp_path, "main.py", "leave")
    assert "STATUS FAILED" in ran.stdout, ran.stderr
    assert "Traceback" not in ran.stderr.split("ERROR")[0]  # the engine did not crash before reporting
    assert "SystemExit" in ran.stderr


def test_a_task_past_its_timeout_fails_with_the_reason(tmp_path: Path) -> None:
    _app(tmp_path)
    ran = _run(tmp_path, "main.py", "forever", "0.5", timeout=60)
    assert "STATUS FAILED" in ran.stdout, ran.stderr
    assert "timed out after 0.5 s" in ran.stderr


def test_ctrl_c_during_a_run_records_the_job_and_exits_130(tmp_path: Path) -> None:
    _app(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "main.py", "forever"],
        cwd=tmp_path,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("SCENARIO")
    time.sleep(1.0)  # the job is running
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert len([line for line in err.splitlines() if line.strip()]) <= 3, err  # one line, no traceback
    events = "\n".join(_events(tmp_path))
    assert "interrupted" in events
