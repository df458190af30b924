"""Event store URLs keep their password out of every message, may name ``ENV[...]`` variables, and a
new store is readable by its owner only (issue 18, item 8)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "ledgerflow.cli"]
SECRET = "s3cret-Pa55"
APP = """
import ledgerflow as lf
from ledgerflow import Config

config = Config.configure_scenario("s", [])
lf.Orchestrator().run()
print(lf.create_scenario(config).id)
lf.Orchestrator().stop()
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERFLOW_")}
    return {**env, "COLUMNS": "200", **extra}


def _run(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=folder, capture_output=True, text=True, env=_env(**env), timeout=120)


@pytest.mark.parametrize(
    "url",
    [
        f"postgresq://bob:{SECRET}@127.0.0.1:5432/test",  # a mistyped scheme
        f"mysql://bob:{SECRET}@127.0.0.1/test",
        f"postgresql://bob:{SECRET}@127.0.0.1:notaport/test",
        f"postgresql://bob:{SECRET}@127.0.0.1:1/test",  # nothing listens there
        f"postgresql://bob:{SECRET}@[127.0.0.1/test",
    ],
)
def test_no_message_shows_the_password(tmp_path: Path, url: str) -> None:
    by_option = _run(tmp_path, *CLI, "events", "--event-store", url)
    by_variable = _run(tmp_path, *CLI, "compact", LEDGERFLOW_EVENT_STORE=url)
    for done in (by_option, by_variable):
        assert done.returncode != 0
        assert SECRET not in done.stdout + done.stderr
        assert "***" in done.stderr or "://..." in done.stderr, done.stderr


def test_an_application_with_a_mistyped_url_does_not_show_the_password(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP)
    done = _run(tmp_path, sys.executable, "app.py", LEDGERFLOW_EVENT_STORE=f"postgresq://bob:{SECRET}@127.0.0.1/test")
    assert done.returncode != 0
    assert SECRET not in done.stdout + done.stderr


@pytest.mark.postgres
def test_env_inside_an_event_store_url_is_resolved(tmp_path: Path, postgres_url: str) -> None:
    templated = postgres_url.replace("postgresql://postgres@", "postgresql://postgres:ENV[LF_TEST_PG_PASSWORD]@")
    assert "ENV[" in templated
    (tmp_path / "app.py").write_text(APP)
    done = _run(tmp_path, sys.executable, "app.py", LEDGERFLOW_EVENT_STORE=templated, LF_TEST_PG_PASSWORD="anything")
    assert done.returncode == 0, done.stderr
    listed = _run(tmp_path, *CLI, "events", "--event-store", templated, LF_TEST_PG_PASSWORD="anything")
    assert listed.returncode == 0, listed.stderr
    assert "scenario.created" in listed.stdout


def test_an_unset_variable_in_an_event_store_url_is_named(tmp_path: Path) -> None:
    url = "postgresql://bob:ENV[LF_TEST_UNSET_PASSWORD]@127.0.0.1/test"
    done = _run(tmp_path, *CLI, "events", "--event-store", url)
    assert done.returncode != 0
    assert "LF_TEST_UNSET_PASSWORD is not set" in done.stderr and "Traceback" not in done.stderr


def test_a_new_store_is_private_under_umask_022(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import os\nos.umask(0o022)\n" + APP)
    done = _run(tmp_path, sys.executable, "app.py")
    assert done.returncode == 0, done.stderr
    folder = tmp_path / ".ledgerflow"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("events.db", "events.db-wal", "events.db-shm"):
        if (folder / name).exists():
            assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name
