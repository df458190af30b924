"""Time travel: ``lf.as_of(when)`` shows every entity, value and config as it was, read-only."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from backends import BACKENDS
from pipelines import double, fail

import ledgerflow as lf
from ledgerflow import Config, Frequency, Scope, Status
from ledgerflow.domain import errors
from ledgerflow.service.entities.base import ReadOnlyViewError
from ledgerflow.service.timetravel.view import TimeTravelError


@pytest.fixture(params=BACKENDS)
def event_store_url(request: pytest.FixtureRequest) -> str | None:
    """Every test of this module runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("postgres_url")
    return url


def chain() -> lf.Config:
    a = Config.configure_data_node("a", default_data=21)
    b = Config.configure_data_node("b")
    c = Config.configure_data_node("c")
    t1 = Config.configure_task("t1", double, a, b)
    t2 = Config.configure_task("t2", double, b, c)
    return Config.configure_scenario("s", [t1, t2], sequences={"first": [t1], "both": [t1, t2]})


def test_a_view_shows_entities_and_values_as_they_were(running: Path) -> None:
    scenario = lf.create_scenario(chain(), name="before")
    first = lf.submit(scenario)
    then = datetime.now()
    scenario.a.write(5, editor_id="alice", comment="new figures")
    lf.submit(scenario)
    lf.tag(scenario, "reviewed")
    later = lf.create_scenario(chain(), name="after")

    past = lf.as_of(then)
    old = past.get(scenario.id)
    assert old.name == "before" and old.tags == set() and scenario.tags == {"reviewed"}
    assert (old.a.read(), old.b.read(), old.c.read()) == (21, 42, 84)
    assert (scenario.a.read(), scenario.c.read()) == (5, 20)
    assert len(old.a.edits) == 1 and len(scenario.a.edits) == 2
    assert old.first.tasks["t1"].config_id == "t1" and list(old.sequences) == ["first", "both"]
    both_first = lf.as_of(then)
    assert both_first.get(scenario.both.id).name == "both"  # a sequence looked up before its scenario
    assert list(both_first.get(scenario.id).sequences) == ["first", "both"]
    assert [s.id for s in past.get_scenarios()] == [scenario.id]
    assert not past.exists(later.id)
    with pytest.raises(errors.NonExistingEntity, match="did not exist at position"):
        past.get(later.id)
    assert [j.status for j in past.get_submissions()[0].jobs] == [Status.COMPLETED, Status.COMPLETED]
    assert past.get_submissions()[0] == first
    assert past.get_latest_job(old.t2).status is Status.COMPLETED
    assert {dn.config_id for dn in past.get_data_nodes()} == {"a", "b", "c"}


def test_positions_dates_and_strings_all_name_a_point(running: Path) -> None:
    scenario = lf.create_scenario(chain())
    lf.submit(scenario)
    position = lf.as_of(datetime.now()).position
    scenario.a.write(1)
    assert lf.as_of(position).get(scenario.id).a.read() == 21
    assert lf.as_of(str(position)).get(scenario.id).a.read() == 21
    assert lf.as_of(position).moment is not None
    assert lf.as_of(datetime.now()).get(scenario.id).a.read() == 1
    assert lf.as_of("-1s").position <= lf.as_of(datetime.now()).position
    assert not lf.as_of(0).get_scenarios()
    assert not lf.as_of(datetime.now() - timedelta(days=1)).exists(scenario.id)
    with pytest.raises(TimeTravelError, match="not in the log: positions run from 0"):
        lf.as_of(10**9)
    with pytest.raises(TimeTravelError, match="is not a point in time"):
        lf.as_of("last tuesday")


def test_the_past_cannot_be_changed(running: Path) -> None:
    scenario = lf.create_scenario(chain())
    past = lf.as_of(datetime.now()).get(scenario.id)
    with pytest.raises(ReadOnlyViewError, match="read-only: the past cannot be changed"):
        past.a.write(3)
    with pytest.raises(ReadOnlyViewError):
        past.a.lock_edit("alice")
    with pytest.raises(ReadOnlyViewError):
        lf.submit(past)
    with pytest.raises(ReadOnlyViewError):
        lf.tag(past, "x")
    with pytest.raises(ReadOnlyViewError):
        past.t1.submit()
    assert scenario.a.read() == 21 and not lf.get_submissions() and scenario.tags == set()


def test_earlier_values_come_from_the_content_store(running: Path) -> None:
    node_config = Config.configure_data_node("big", default_data="x" * 100_000)  # a blob file, not inline
    scenario = lf.create_scenario(Config.configure_scenario("s", [], additional_data_node_configs=[node_config]))
    then = datetime.now()
    scenario.big.write("y" * 100_000)
    first = scenario.big.edits[0]["hash"]
    assert (running / ".ledgerflow" / "blobs" / first[:2] / first[2:]).is_file()
    assert scenario.big.read(version=1) == "x" * 100_000 == lf.as_of(then).get(scenario.id).big.read()
    assert scenario.big.read() == "y" * 100_000
    # a tampered payload is refused: tests/e2e/test_timetravel_cli.py (a fresh process reads the file)


def test_a_user_file_is_read_as_it_was_not_as_it_is(running: Path) -> None:
    path = running / "sales.json"
    node_config = Config.configure_json_data_node("sales", default_path=str(path), default_data=[1])
    scenario = lf.create_scenario(Config.configure_scenario("s", [], additional_data_node_configs=[node_config]))
    then = datetime.now()
    scenario.sales.write([1, 2])
    assert path.read_text() == "[1, 2]"
    assert lf.as_of(then).get(scenario.id).sales.read() == [1]
    assert scenario.sales.read(as_of=then) == [1] and scenario.sales.read(version=2) == [1, 2]


def test_in_memory_values_are_not_kept_and_it_says_so(running: Path) -> None:
    node_config = Config.configure_in_memory_data_node("scratch", default_data=1)
    scenario = lf.create_scenario(Config.configure_scenario("s", [], additional_data_node_configs=[node_config]))
    then = datetime.now()
    assert lf.as_of(then).get(scenario.id).scratch.read() == 1  # still the current value
    scenario.scratch.write(2)
    with pytest.raises(errors.NoData, match="keeps only its current value"):
        lf.as_of(then).get(scenario.id).scratch.read()


def test_failed_jobs_cycles_and_shared_nodes_as_they_were(running: Path) -> None:
    shared = Config.configure_data_node("rates", scope=Scope.GLOBAL, default_data=3)
    out = Config.configure_data_node("out")
    task = Config.configure_task("boom", fail, shared, out)
    config = Config.configure_scenario("monthly", [task], frequency=Frequency.MONTHLY)
    jan = lf.create_scenario(config, creation_date=datetime(2024, 1, 5))
    lf.submit(jan)
    then = datetime.now()
    feb = lf.create_scenario(config, creation_date=datetime(2024, 2, 5))
    jan.rates.write(4)
    past = lf.as_of(then)
    job = past.get_jobs()[0]
    assert job.status is Status.FAILED and "cannot handle 3" in "".join(job.stacktrace)
    assert [c.name for c in past.get_cycles()] == [jan.cycle.name]
    assert past.get_primary(past.get(jan.cycle.id)) == jan
    assert past.get(jan.id).rates.read() == 3 and feb.rates.read() == 4
    assert past.get_parents(jan.rates.id)["scenario"] == {jan}


def test_the_config_of_a_version_is_readable_at_any_time(workdir: Path) -> None:
    Config.configure_data_node("a", default_data=1)
    Config.configure_core(mode="experiment", version_number="1.0")
    lf.Orchestrator().run()
    then = lf.as_of(datetime.now())
    lf.Orchestrator().stop()
    from ledgerflow.service import session

    session.close()
    Config.configure_data_node("a", default_data=1, scope=Scope.GLOBAL)
    Config.configure_core(mode="experiment", version_number="1.0", force=True)
    lf.Orchestrator().run()
    now = lf.as_of(datetime.now())
    assert then.version_config("1.0")["DATA_NODE"]["a"].get("scope") != now.version_config("1.0")["DATA_NODE"]["a"].get(
        "scope"
    )
    assert now.versions() == {"1.0": "experiment"}
    with pytest.raises(TimeTravelError, match=r'no application version "2\.0"'):
        now.version_config("2.0")
