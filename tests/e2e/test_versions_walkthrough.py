"""Taipy's "Production mode" walkthrough, step by step, through the real CLI in subprocesses.

The folder starts as the page's first listing implies (a development run, a generated experiment,
experiment 0.1 run twice); the app is ``examples/production/main.py``, then its changed config
(``main_v2.py``), then the changed config with the migration functions (``main_v2_migrations.py``),
each copied over ``main.py`` as the page edits it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).parents[2] / "examples" / "production"

pytestmark = pytest.mark.slow


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)


def ledgerflow(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(cwd, sys.executable, "-m", "ledgerflow.cli", *args)


def scenarios_after(result: subprocess.CompletedProcess[str]) -> int:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("Number of scenarios: "), result.stdout
    return int(last.rsplit(" ", 1)[1])


def versions(cwd: Path) -> list[tuple[str, str]]:
    result = ledgerflow(cwd, "manage-versions", "--list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Version", "number", "Mode", "Creation", "date"]
    cells = [[c.strip() for c in line.split("   ") if c.strip()] for line in lines[1:]]
    return [(row[0], row[1]) for row in cells]


def events(cwd: Path, *args: str) -> list[dict[str, Any]]:
    result = ledgerflow(cwd, *args, "--json")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def use(cwd: Path, variant: str) -> None:
    shutil.copy(EXAMPLE / variant, cwd / "main.py")


def test_the_production_mode_walkthrough(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    use(app, "main.py")
    # the folder of the page's first listing
    assert scenarios_after(run(app, sys.executable, "main.py")) == 1
    assert scenarios_after(ledgerflow(app, "run", "main.py", "--experiment")) == 1
    assert [scenarios_after(ledgerflow(app, "run", "main.py", "--experiment", "0.1")) for _ in range(2)] == [1, 2]
    listed = versions(app)
    development, generated = listed[2][0], listed[1][0]
    assert listed == [("0.1", "Experiment (latest)"), (generated, "Experiment"), (development, "Development")]

    # convert an experiment version to production
    assert scenarios_after(ledgerflow(app, "run", "main.py", "--production", "0.1")) == 3
    assert versions(app)[0] == ("0.1", "Production (latest)")
    assert scenarios_after(ledgerflow(app, "run", "main.py", "--experiment", "1.0")) == 1
    assert versions(app)[:2] == [("1.0", "Experiment (latest)"), ("0.1", "Production")]
    assert scenarios_after(ledgerflow(app, "run", "main.py", "--production")) == 5
    assert versions(app)[:2] == [("1.0", "Production (latest)"), ("0.1", "Production")]

    # remove a production version
    removed = ledgerflow(app, "manage-versions", "--delete-production", "0.1")
    assert removed.returncode == 0
    assert removed.stdout == "Successfully delete version 0.1 from the production version list.\n"
    assert versions(app) == [
        ("1.0", "Production (latest)"),
        ("0.1", "Experiment"),
        (generated, "Experiment"),
        (development, "Development"),
    ]

    # the June scenario, created in production version 1.0 before the config changes
    assert scenarios_after(ledgerflow(app, "run", "main.py", "--production", "1.0")) == 3
    june = events(app, "events", "--type", "scenario.created")[-1]["entity_id"]

    # change the config of an existing production version
    use(app, "main_v2.py")
    refused = ledgerflow(app, "run", "main.py", "--production", "1.0")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr and "Number" not in refused.stdout
    lines = refused.stderr.splitlines()
    error = next(i for i, line in enumerate(lines) if "[ledgerflow][ERROR]" in line)
    assert lines[error].endswith("The configuration for version 1.0 conflicts with the current configuration:")
    differences = [line for line in lines[error + 1 :] if line.startswith("\t")]
    for expected in (
        '\tDATA_NODE "my_input" has attribute "path" added: input.pkl',
        '\tDATA_NODE "my_output" has attribute "path" added: output.pkl',
        '\tDATA_NODE "my_input" has attribute "scope" modified: SCENARIO:SCOPE -> GLOBAL:SCOPE',
        '\tDATA_NODE "my_output" has attribute "scope" modified: SCENARIO:SCOPE -> GLOBAL:SCOPE',
        '\tTASK "example_algorithm" has attribute "skippable" modified: False:bool -> True:bool',
    ):
        assert expected in differences
    assert len(differences) == 6  # and the default_data change the page's listing leaves out
    assert lines[-2:] == [
        "Please add a new production version with migration functions.",
        "If old entities remain compatible with the new configuration, you can also run your application with "
        "--force option to override the production configuration of version 1.0.",
    ]

    # --force overrides the version's config (in a copy, so the walkthrough goes on without it)
    forced_app = tmp_path / "forced"
    shutil.copytree(app, forced_app)
    forced = ledgerflow(forced_app, "run", "main.py", "--production", "1.0", "--force")
    assert scenarios_after(forced) == 4
    assert "[ledgerflow][ERROR] The configuration for version 1.0 conflicts" in forced.stderr
    assert "[ledgerflow][WARNING] Option --force is detected, overriding the configuration of version 1.0 ..." in (
        forced.stderr
    )
    assert "[ledgerflow][INFO] Version 1.0 is already a production version." in forced.stderr

    # a new production version, first without migration functions
    second = ledgerflow(app, "run", "main.py", "--production", "2.0")
    assert scenarios_after(second) == 4
    assert '[ledgerflow][INFO] There is no migration function from production version "1.0" to version "2.0".' in (
        second.stderr
    )

    # then with them: the June scenario becomes compatible with 2.0
    use(app, "main_v2_migrations.py")
    migrated = ledgerflow(app, "run", "main.py", "--production", "2.0")
    assert scenarios_after(migrated) == 5
    assert 'Migrated 12 entities of production version "1.0" to version "2.0" (9 migration function calls).' in (
        migrated.stderr
    )
    june_events = {e["entity_id"].split("_")[0] + " " + e["topic"]: e for e in events(app, "history", june)}
    for node in ("DATANODE", "TASK"):
        assert f"{node} ledgerflow.{node.lower()}.migrated" in june_events
    scope = june_events["DATANODE ledgerflow.datanode.migrated"]["payload"]
    assert scope["function"] == "__main__.migrate_datanode_scope"
    assert scope["changes"] == {"scope": {"old": 1, "new": 3}}  # SCENARIO -> GLOBAL
    assert (scope["from_version"], scope["to_version"]) == ("1.0", "2.0")
    skippable = june_events["TASK ledgerflow.task.migrated"]["payload"]
    assert skippable["function"] == "__main__.migrate_skippable_task"
    assert skippable["changes"] == {"skippable": {"old": False, "new": True}}
    assert june_events["SCENARIO ledgerflow.scenario.migrated"]["payload"]["to_version"] == "2.0"

    # the version's own history, and the listing with a config naming __main__ functions
    assert [e["topic"].removeprefix("ledgerflow.") for e in events(app, "history", "VERSION_2.0")] == [
        "version.created",
        "version.started",
        "version.config_recorded",
        "version.started",
        "version.migrated",
    ]
    assert versions(app)[:2] == [("2.0", "Production (latest)"), ("1.0", "Production")]
