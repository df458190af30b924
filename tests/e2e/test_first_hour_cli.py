"""What a new user meets first (issue 18, item 13): ``preview`` judges as ``submit`` does, a deleted
scenario is refused clearly, and the log's reasons say what happened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "ledgerflow.cli"]
APP = textwrap.dedent(
    """
    import ledgerflow as lf
    from ledgerflow import Config


    def double(x):
        return 2 * x


    Config.configure_core(mode="experiment", version_number="v1")
    x = Config.configure_data_node("x", default_data=21)
    y = Config.configure_data_node("y")
    scenario_cfg = Config.configure_scenario("s", [Config.configure_task("double", double, x, y)])  # not skippable

    if __name__ == "__main__":
        lf.Orchestrator().run()
        scenario = lf.create_scenario(scenario_cfg)
        lf.submit(scenario)
        lf.delete(scenario.id)
        try:
            lf.submit(scenario)
        except Exception as error:
            print("refused:", type(error).__name__, error)
        again = lf.create_scenario(scenario_cfg)
        lf.submit(again)
        lf.Orchestrator().stop()
    """
)


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERFLOW_")}
    done = subprocess.run(list(args), cwd=folder, capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("first-hour")
    (folder / "main.py").write_text(APP)
    done = _run(folder, sys.executable, "main.py")
    return folder, done.stdout


def test_submitting_a_deleted_scenario_raises_non_existing_scenario(app: tuple[Path, str]) -> None:
    _, said = app
    assert "refused: NonExistingScenario Scenario SCENARIO_s_" in said and "does not exist (it was deleted)" in said


def test_preview_judges_a_non_skippable_task_as_submit_does(app: tuple[Path, str]) -> None:
    folder, _ = app
    submit_like = _run(folder, *CLI, "preview", "main.py", "--version", "v1").stdout
    assert "double: would run (task is not skippable)" in submit_like
    workflow_like = _run(folder, *CLI, "preview", "main.py", "--version", "v1", "--workflow").stdout
    assert "double: would skip (outputs are up to date)" in workflow_like


def test_no_reason_says_jobs_skipped_when_none_was(app: tuple[Path, str]) -> None:
    folder, _ = app
    events = [json.loads(line) for line in _run(folder, *CLI, "events", "--json").stdout.splitlines()]
    topics = ("ledgerflow.job.created", "ledgerflow.job.status_changed")
    reasons = {e["reason"] for e in events if e["topic"] in topics}
    assert not any("skipped" in (reason or "") for reason in reasons)  # the task is not skippable
    # Its job was queued (PENDING) by the submission that created it: the command says "submit".
    assert {e["reason"] for e in events if e["topic"] == "ledgerflow.job.created"} == {"submit"}
