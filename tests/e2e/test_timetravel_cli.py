"""``ledgerflow show --as-of``, ``graph``, ``replay`` and ``rerun`` through the real CLI, in subprocesses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from tampering import edit_events

pytestmark = pytest.mark.slow

TESTS = Path(__file__).parents[1]
APP = textwrap.dedent(
    """
    from datetime import datetime
    import ledgerflow as lf
    from ledgerflow import Config
    from pipelines import double

    a = Config.configure_data_node("a", default_data="x" * 100_000)
    b = Config.configure_data_node("b")
    t1 = Config.configure_task("t1", double, a, b, skippable=True)
    scenario_cfg = Config.configure_scenario("s", [t1])

    if __name__ == "__main__":
        lf.Orchestrator().run()
        scenario = lf.create_scenario(scenario_cfg)
        submission = lf.submit(scenario)
        position = lf.as_of(datetime.now()).position
        scenario.a.write("y", editor_id="alice", comment="shorter")
        print(scenario.id, submission.id, position, scenario.a.id, submission.jobs[0].id)
    """
)


def ledgerflow(cwd: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(TESTS), "COLUMNS": "200"}
    if path is not None:
        env["PATH"] = path
    command = [sys.executable, "-m", "ledgerflow.cli", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    folder = tmp_path_factory.mktemp("timetravel")
    (folder / "main.py").write_text(APP)
    done = ledgerflow(folder, "run", "main.py", "--experiment", "1.0")
    assert done.returncode == 0, done.stderr
    yield folder, done.stdout.split()


def test_show_an_entity_now_and_as_it_was(app: tuple[Path, list[str]]) -> None:
    folder, (scenario, _submission, position, node, job) = app
    now = ledgerflow(folder, "show", scenario)
    assert now.returncode == 0, now.stderr
    assert f"Scenario {scenario} as of position" in now.stdout
    assert "'y'" in now.stdout and "alice" in now.stdout and "COMPLETED" in now.stdout
    then = ledgerflow(folder, "show", scenario, "--as-of", position)
    assert then.returncode == 0, then.stderr
    assert f"as of position {position} " in then.stdout and "'xxxxxxxx" in then.stdout and "alice" not in then.stdout
    writes = ledgerflow(folder, "show", node)
    assert writes.returncode == 0 and "shorter" in writes.stdout and "default" in writes.stdout
    job_page = ledgerflow(folder, "show", job)
    assert job_page.returncode == 0 and "RUNNING" in job_page.stdout and "Status changes" in job_page.stdout
    missing = ledgerflow(folder, "show", scenario, "--as-of", "0")
    assert missing.returncode == 1 and "did not exist at position 0" in missing.stderr
    nonsense = ledgerflow(folder, "show", scenario, "--as-of", "last tuesday")
    assert nonsense.returncode == 1 and "is not a point in time" in nonsense.stderr
    assert "Traceback" not in missing.stderr + nonsense.stderr


def test_graph_in_every_format(app: tuple[Path, list[str]]) -> None:
    folder, (scenario, *_, position, _node, _job) = app
    mermaid = ledgerflow(folder, "graph", scenario)
    assert mermaid.returncode == 0, mermaid.stderr
    assert mermaid.stdout.startswith("flowchart LR") and "t1<br/>COMPLETED, stale: input a changed" in mermaid.stdout
    assert "stroke-dasharray" in mermaid.stdout
    then = ledgerflow(folder, "graph", scenario, "--as-of", position, "--format", "dot")
    assert then.returncode == 0 and then.stdout.startswith(f'digraph "{scenario}"')
    assert 'label="t1\\nCOMPLETED"' in then.stdout and "dashed" not in then.stdout  # up to date back then
    no_dot = ledgerflow(folder, "graph", scenario, "--format", "svg", path=str(folder))
    assert no_dot.returncode == 1 and "needs Graphviz's `dot` program, which is not installed" in no_dot.stderr
    if shutil.which("dot") is None:
        pytest.skip("Graphviz is not installed: svg and png are not checked")
    for format, magic in (("svg", b"<?xml"), ("png", b"\x89PNG")):
        done = ledgerflow(folder, "graph", scenario, "--format", format, "--output", f"picture.{format}")
        assert done.returncode == 0, done.stderr
        assert (folder / f"picture.{format}").read_bytes().startswith(magic)


def test_replay_rerun_and_a_tampered_log(app: tuple[Path, list[str]], tmp_path: Path) -> None:
    source, (scenario, submission, position, *_rest) = app
    folder = tmp_path / "copy"
    shutil.copytree(source, folder)
    first = ledgerflow(folder, "replay", "--verify")
    assert first.returncode == 0, first.stderr
    assert "the rebuilt state equals the state a start-up folds (no checkpoint yet" in first.stdout
    saved = ledgerflow(folder, "replay")
    assert saved.returncode == 0 and "Saved the rebuilt state as the checkpoint" in saved.stdout
    ok = ledgerflow(folder, "replay", "--verify")
    assert ok.returncode == 0, ok.stderr
    assert "the rebuilt state equals the checkpoint + log tail" in ok.stdout

    rerun = ledgerflow(folder, "rerun", submission)
    assert rerun.returncode == 0, rerun.stderr + rerun.stdout
    assert "1 of 1 job(s) reproduced" in rerun.stdout and "reproduced" in rerun.stdout
    new_id = rerun.stdout.split("Recorded as ")[1].split()[0]
    shown = ledgerflow(folder, "show", new_id)
    assert f"re-run of: {submission}" in shown.stdout

    # edit a write behind ledgerflow's back
    assert edit_events(folder / ".ledgerflow" / "events.db", "shorter", "altered", "ledgerflow.datanode.written")
    bad = ledgerflow(folder, "replay", "--verify")
    assert bad.returncode == 1
    assert (
        "difference(s) from the checkpoint + log tail" in bad.stdout
        and "edits[1].comment: checkpointed 'shorter', replayed 'altered'" in bad.stdout
    )
    assert ledgerflow(folder, "replay").returncode == 0
    assert ledgerflow(folder, "replay", "--verify").returncode == 0

    blobs = folder / ".ledgerflow" / "blobs"
    for blob in blobs.glob("??/*"):
        blob.write_bytes(b"tampered")
    tampered = ledgerflow(folder, "show", scenario, "--as-of", position)  # a's value then was a blob file
    assert tampered.returncode == 0, tampered.stderr
    assert "unreadable: Blob" in tampered.stdout and "is corrupted" in tampered.stdout
