"""The audit commands as a user runs them: ``history``, ``events``, ``audit verify``, ``compact``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tampering import edit_events

pytestmark = pytest.mark.slow

POSTGRES_URL = os.environ.get("LEDGERFLOW_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")

APP = """
import ledgerflow as lf
from ledgerflow import Config


def double(x):
    return 2 * x


sales = Config.configure_data_node("sales", default_data=21)
doubled = Config.configure_data_node("doubled")
scenario_cfg = Config.configure_scenario("forecast", [Config.configure_task("double", double, sales, doubled)])

if __name__ == "__main__":
    lf.Orchestrator().run()
    scenario = lf.create_scenario(scenario_cfg)
    lf.submit(scenario)
    scenario.sales.write(50, editor_id="alice", comment="new figures")
    lf.submit(scenario)
    print(scenario.id)
"""


def ledgerflow(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": "200", **(env or {})}
    environment.pop("LEDGERFLOW_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "ledgerflow.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def run_app(tmp_path: Path, env: dict[str, str] | None = None) -> str:
    (tmp_path / "main.py").write_text(APP)
    result = ledgerflow(tmp_path, "run", "main.py", "--experiment", "1", env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_history_and_events(tmp_path: Path) -> None:
    scenario_id = run_app(tmp_path)
    table = ledgerflow(tmp_path, "history", scenario_id)
    assert table.returncode == 0, table.stderr
    assert f"History of {scenario_id}" in table.stdout
    for text in ("scenario.created", "job.status_changed", "COMPLETED", "editor alice: new figures", "orchestrator"):
        assert text in table.stdout
    events = json_lines(ledgerflow(tmp_path, "history", scenario_id, "--json").stdout)
    positions = [e["position"] for e in events]
    assert positions == sorted(positions) and events[0]["topic"] == "ledgerflow.task.created"
    assert {e["correlation_id"] for e in events if e["topic"] == "ledgerflow.job.created"} == {
        e["entity_id"] for e in events if e["topic"] == "ledgerflow.submission.created"
    }
    own = json_lines(ledgerflow(tmp_path, "history", scenario_id, "--own", "--json").stdout)
    assert [e["topic"] for e in own] == ["ledgerflow.scenario.created"]

    writes = json_lines(ledgerflow(tmp_path, "events", "--type", "datanode.written", "--json").stdout)
    assert len(writes) == 4 and {w["topic"] for w in writes} == {"ledgerflow.datanode.written"}
    window = json_lines(ledgerflow(tmp_path, "events", "--since", "5", "--until", "9", "--json").stdout)
    assert [e["position"] for e in window] == [5, 6, 7, 8, 9]
    node_id = writes[-1]["entity_id"]
    assert isinstance(node_id, str)
    mine = json_lines(ledgerflow(tmp_path, "events", "--entity", node_id, "--json").stdout)
    assert {e["entity_id"] for e in mine} == {node_id} and len(mine) == 3
    recent = json_lines(ledgerflow(tmp_path, "events", "--since", "-1h", "--type", "job", "--json").stdout)
    assert recent and all(str(e["topic"]).startswith("ledgerflow.job.") for e in recent)
    limited = ledgerflow(tmp_path, "events", "--limit", "3")
    assert "3 events (the first 3; more follow" in limited.stdout


def test_audit_verify_catches_an_edited_row(tmp_path: Path) -> None:
    run_app(tmp_path)
    clean = ledgerflow(tmp_path, "audit", "verify")
    assert clean.returncode == 0, clean.stderr
    assert "The log is intact" in clean.stdout
    head = clean.stdout.split("Head: position ", 1)[1].split()
    noted = f"{head[0].rstrip(',')}:{head[2]}"
    assert ledgerflow(tmp_path, "audit", "verify", "--expect", noted).returncode == 0
    assert edit_events(tmp_path / ".ledgerflow" / "events.db", "alice", "mallory") == 1
    tampered = ledgerflow(tmp_path, "audit", "verify")
    assert tampered.returncode == 1
    assert "was altered" in tampered.stdout and "Traceback" not in tampered.stderr
    bad = ledgerflow(tmp_path, "audit", "verify", "--expect", "12:abc")
    assert bad.returncode == 2 and "POSITION:LINK" in bad.stderr


def test_compact_then_list_the_compaction(tmp_path: Path) -> None:
    run_app(tmp_path)
    result = ledgerflow(tmp_path, "compact", "--keep-days", "0")
    assert result.returncode == 0, result.stderr
    assert "payloads no longer kept" in result.stdout and "Archived them to" in result.stdout
    assert list((tmp_path / ".ledgerflow" / "archive").glob("compact-*.zip"))
    recorded = json_lines(ledgerflow(tmp_path, "events", "--type", "compaction", "--json").stdout)
    assert len(recorded) == 1 and recorded[0]["reason"] == "compact"
    assert ledgerflow(tmp_path, "audit", "verify").returncode == 0


HOLDER = """
import sys

import ledgerflow as lf

lf.get_scenarios()  # the store is open
print("open", flush=True)
sys.stdin.readline()
"""


def test_compact_refuses_while_another_process_has_the_store_open(tmp_path: Path) -> None:
    run_app(tmp_path)
    (tmp_path / "holder.py").write_text(HOLDER)
    holder = subprocess.Popen(
        [sys.executable, "holder.py"], cwd=tmp_path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        refused = ledgerflow(tmp_path, "compact", "--keep-days", "0")
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert "another process on this machine has the store" in refused.stderr
        assert not list((tmp_path / ".ledgerflow").glob("archive/compact-*.zip"))
    finally:
        holder.communicate("\n", timeout=60)
    assert ledgerflow(tmp_path, "compact", "--keep-days", "0").returncode == 0


def test_user_errors_are_one_line_and_non_zero(tmp_path: Path) -> None:
    missing = ledgerflow(tmp_path, "events")
    assert missing.returncode == 1 and "No event store" in missing.stderr and "Traceback" not in missing.stderr
    run_app(tmp_path)
    unknown = ledgerflow(tmp_path, "history", "SCENARIO_nope")
    assert unknown.returncode == 1 and 'No event of "SCENARIO_nope"' in unknown.stderr
    when = ledgerflow(tmp_path, "events", "--since", "yesterday")
    assert when.returncode != 0 and "not a point in time" in when.stderr


@pytest.mark.postgres
def test_audit_verify_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    import psycopg

    env = {"LEDGERFLOW_EVENT_STORE": postgres_url}
    scenario_id = run_app(tmp_path, env)
    assert ledgerflow(tmp_path, "audit", "verify", env=env).returncode == 0
    writes = json_lines(ledgerflow(tmp_path, "events", "--type", "datanode.written", "--json", env=env).stdout)
    assert len(writes) == 4
    history = json_lines(ledgerflow(tmp_path, "history", scenario_id, "--json", env=env).stdout)
    assert {"ledgerflow.job.status_changed", "ledgerflow.datanode.written"} <= {e["topic"] for e in history}
    schema = postgres_url.rsplit("schema=", 1)[1]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DELETE FROM "{schema}".ledgerflow_events WHERE notification_id = 3')
    result = ledgerflow(tmp_path, "audit", "verify", env=env)
    assert result.returncode == 1 and "position 3 was removed" in result.stdout
