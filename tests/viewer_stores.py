"""Stores the viewer's tests look at, made by running the example apps and a hostile one through the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

TESTS = Path(__file__).parent
EXAMPLES = TESTS.parent / "examples"

HOSTILE_APP = textwrap.dedent(
    """
    import sys
    import ledgerflow as lf
    from ledgerflow import Config
    from viewer_tasks import HOSTILE, Tripwire, explode, shout

    words = Config.configure_data_node("words", default_data="</code>" + HOSTILE)
    loud = Config.configure_data_node("loud")
    trap = Config.configure_data_node("trap")
    table = Config.configure_data_node("table")
    shouting = Config.configure_task("shouting", shout, words, loud)
    config = Config.configure_scenario("hostile", [shouting], additional_data_node_configs=[trap, table])
    ruin = Config.configure_data_node("ruin")
    breaking = Config.configure_scenario("breaking", [Config.configure_task("exploding", explode, words, ruin)])

    if __name__ == "__main__":
        lf.Orchestrator().run()
        scenario = lf.create_scenario(config, name=HOSTILE)
        scenario.add_tag('"><img src=x onerror=alert(1)>')
        scenario.trap.write(Tripwire(400_000), comment="big value")
        import pandas as pd
        scenario.table.write(pd.DataFrame({"city": ["Oslo", HOSTILE], "sales": [10, 20]}))
        scenario.table.write(pd.DataFrame({"city": ["Oslo", HOSTILE], "sales": [10, 25], "new": [1, 2]}))
        submission = lf.submit(scenario, wait=True)
        rerun = lf.rerun(submission)
        failed = lf.submit(lf.create_scenario(breaking), wait=True)
        scenario.words.write("<b>second</b>" + HOSTILE, editor_id=HOSTILE, comment="<i>" + HOSTILE + "</i>")
        print(rerun.submission.jobs[0].id, failed.jobs[0].id)
        print(scenario.id, submission.id, scenario.trap.id, scenario.words.id, scenario.table.id)
        lf.Orchestrator().stop()
    """
)

STANDALONE_APP = textwrap.dedent(
    """
    import sys, time
    import ledgerflow as lf
    from ledgerflow import Config
    from viewer_tasks import slow_double

    Config.configure_core(mode="experiment", version_number="live")
    Config.configure_job_executions(mode="standalone", max_nb_of_workers=2)
    a = Config.configure_data_node("a", default_data=1)
    b = Config.configure_data_node("b")
    c = Config.configure_data_node("c")
    first = Config.configure_task("first", slow_double, a, b)
    second = Config.configure_task("second", slow_double, b, c)
    config = Config.configure_scenario("slow", [first, second])

    if __name__ == "__main__":
        lf.Orchestrator().run()
        submission = lf.submit(lf.create_scenario(config))
        print(submission.id, flush=True)
        submission.wait()
        lf.Orchestrator().stop()
    """
)


def environment(event_store: str | None = None) -> dict[str, str]:
    """The environment of the apps and the CLI: the tests' modules importable, the store's URL if given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERFLOW_")}
    env["PYTHONPATH"] = str(TESTS)
    if event_store:
        env["LEDGERFLOW_EVENT_STORE"] = event_store
    return env


def ledgerflow(cwd: Path, *args: str, event_store: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``ledgerflow`` command in ``cwd``."""
    command = [sys.executable, "-m", "ledgerflow.cli", *args]
    env = environment(event_store)
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)


EXAMPLE_APPS = ("seed", "standalone", "workflow", "production")


def workflow_store(folder: Path, event_store: str | None = None) -> Path:
    """The workflow example run twice (February, then January): two submissions, a value that changed."""
    shutil.copy(EXAMPLES / "workflow" / "main.py", folder / "main.py")
    for month in ("February", "January"):
        done = ledgerflow(folder, "run", "main.py", "--experiment", "forecast", month, event_store=event_store)
        assert done.returncode == 0, done.stderr
    return folder


def hostile_store(folder: Path) -> list[str]:
    """A store full of markup in names, tags, comments, values and errors.

    Its ids: the re-run job, the failed job, the scenario, its submission, the trap, words and table nodes.
    """
    (folder / "main.py").write_text(HOSTILE_APP)
    done = ledgerflow(folder, "run", "main.py", "--development")
    assert done.returncode == 1, done.stderr  # one of its submissions failed, on purpose
    assert "failed" in done.stderr
    return done.stdout.split()[-7:]


def example_store(name: str, folder: Path) -> Path:
    """The store of one example app, run as its docstring says (production: 0.1, then 2.0 with migrations)."""
    source = EXAMPLES / name
    for path in source.glob("*.py"):
        shutil.copy(path, folder / path.name)
    runs: list[tuple[str, ...]] = {
        "seed": (("python", "main.py"),),
        "standalone": (("python", "main.py"),),
        "workflow": (("ledgerflow", "run", "main.py", "--experiment", "forecast", "February"),),
        "production": (
            ("ledgerflow", "run", "main.py", "--production", "0.1"),
            ("copy", "main_v2_migrations.py"),
            ("ledgerflow", "run", "main.py", "--production", "2.0"),
        ),
    }[name]
    for step in runs:
        if step[0] == "copy":
            shutil.copy(folder / step[1], folder / "main.py")
            continue
        if step[0] == "python":
            command = [sys.executable, *step[1:]]
            done = subprocess.run(command, cwd=folder, env=environment(), capture_output=True, text=True, timeout=180)
        else:
            done = ledgerflow(folder, *step[1:])
        assert done.returncode == 0, done.stderr
    return folder
