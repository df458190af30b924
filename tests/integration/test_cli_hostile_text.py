"""User text and the project's own messages are printed as written, never read as rich markup
(issue 18, item 9): brackets, tags, emoji codes, quotes and newlines come out unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import ledgerflow as lf
from ledgerflow import Config
from ledgerflow.cli import app
from ledgerflow.service import session

COMMENT = "copied from [data/input.csv]"
EDITOR = "bob[admin]"
NAME = "list[int] <script>alert(1)</script>"
VALUE = 'say "hi" [red]not red[/red] :link:\nsecond line'
TAG = "[bold]loud[/bold]"


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def hostile(workdir: Path) -> tuple[str, str]:
    """A scenario and a data node carrying hostile text (experiment version: it outlives the session)."""
    Config.configure_core(mode="experiment", version_number="v[1]")
    notes = Config.configure_data_node("notes")
    scenario = lf.create_scenario(Config.configure_scenario("s", [], additional_data_node_configs=[notes]), name=NAME)
    scenario.add_tag(TAG)
    scenario.notes.write(VALUE, editor_id=EDITOR, comment=COMMENT)
    ids = scenario.id, scenario.notes.id
    session.close()
    return ids


def test_events_and_history_print_hostile_text_as_written(hostile: tuple[str, str]) -> None:
    scenario_id, _ = hostile
    for output in (_invoke("events", "--wide"), _invoke("history", scenario_id, "--wide")):
        assert COMMENT in output
        assert EDITOR in output


def test_show_prints_hostile_text_as_written(hostile: tuple[str, str]) -> None:
    scenario_id, node_id = hostile
    scenario = _invoke("show", scenario_id)
    assert NAME in scenario and TAG in scenario
    node = _invoke("show", node_id)
    assert EDITOR in node and COMMENT in node
    assert repr(VALUE)[:40] in node


def test_versions_list_prints_a_bracketed_version_name(hostile: tuple[str, str]) -> None:
    assert "v[1]" in _invoke("manage-versions", "--list")


def test_our_own_messages_keep_their_brackets_and_colons(hostile: tuple[str, str]) -> None:
    assert "POSITION:LINK" in _invoke("audit", "verify", "--help")
    missing = CliRunner().invoke(app, ["show", "SCENARIO_[x]"], env={"COLUMNS": "400"})
    assert missing.exit_code != 0
    assert "SCENARIO_[x]" in missing.output
