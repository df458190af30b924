"""Past listings come from the entity index and list exactly what the fold of the log lists.

At many positions of a log, ``lf.as_of(position).get_scenarios()`` (and the listings of sequences,
tasks, data nodes, cycles, jobs and submissions) must give the ids, in the order, that a fold of
the log from position 0 up to that position gives with the same version filter — without folding
the log (the view's state stays lazy). Logs come from random API calls (hypothesis), from the golden
logs (renamed and migrated versions), and from two processes appending to one store at once, on
SQLite and PostgreSQL. The index of a store written before it existed is built from its log and
equals the one kept as events were appended.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson
import pytest
import test_replay_guarantee as replay_guarantee
from backends import BACKENDS
from golden_logs import GOLDEN
from hypothesis import HealthCheck, settings
from many_processes import run_children
from many_processes_app import configure as configure_torture

import ledgerflow as lf
from ledgerflow.projections.current import CurrentState
from ledgerflow.service import session
from ledgerflow.service.timetravel.past_state import PastState
from ledgerflow.service.timetravel.view import PastView, open_view
from ledgerflow.storage.blobs import BlobStore
from ledgerflow.storage.entity_index import TABLE as INDEX_TABLE
from ledgerflow.storage.entity_index import TOPICS
from ledgerflow.storage.eventstore import EventStore

LISTINGS = {
    "scenarios": "get_scenarios",
    "sequences": "get_sequences",
    "tasks": "get_tasks",
    "data_nodes": "get_data_nodes",
    "cycles": "get_cycles",
    "jobs": "get_jobs",
    "submissions": "get_submissions",
}
OLDEST_FIRST = ("jobs", "submissions")
ViewOf = Callable[[int], PastView]


def folded(state: CurrentState, table: str, visible: Callable[[str], bool]) -> list[str]:
    """The ids ``table`` lists in a folded state: the fold's order, oldest first for jobs and submissions."""
    rows = getattr(state, table)
    ids = [entity_id for entity_id, view in rows.items() if visible(view.version)]
    if table in OLDEST_FIRST:
        ids.sort(key=lambda entity_id: rows[entity_id].creation_date)
    return ids


def listings_match(store: EventStore, view_of: ViewOf, every: int = 1) -> int:
    """Compare every listing of ``view_of(position)`` with the fold from 0, at every ``every``-th
    position of ``store`` (and at 0 and the last); how many positions were compared."""
    complete = CurrentState()
    last = store.max_position()
    compared = 0
    for index, record in enumerate([None, *store.iter_records()]):
        if record is not None:
            complete.apply(record)
        position = record.position if record is not None else 0
        if index % every and position != last:
            continue
        view = view_of(position)
        for table, method in LISTINGS.items():
            listed = [entity.id for entity in getattr(view, method)()]
            assert listed == folded(complete, table, view.visible), (position, table)
        assert isinstance(view.state, PastState), f"listing at {position} folded the log"
        compared += 1
    return compared


def public_view(position: int) -> PastView:
    return lf.as_of(position)


# -- random API calls -------------------------------------------------------------------------


class ApiCalls(replay_guarantee.ApiCalls):
    """The replay guarantee's random API calls (creations, submissions, deletions, cycles, sequences);
    every position of their log is compared at the end."""

    def rebuild_equals_live(self) -> None:  # covered elsewhere; here the listings are checked, once
        pass

    def teardown(self) -> None:
        runtime = session.current().runtime
        runtime.flush()
        assert listings_match(runtime.store, public_view) == runtime.store.max_position() + 1
        super().teardown()


TestPastListingsOfRandomCalls = ApiCalls.TestCase
TestPastListingsOfRandomCalls.settings = settings(
    max_examples=8, stateful_step_count=10, deadline=None, suppress_health_check=list(HealthCheck)
)


# -- golden logs: renames, migrations -----------------------------------------------------------


def golden_rows(name: str) -> tuple[list[tuple[str, int, str, bytes]], list[tuple[str, bytes]]]:
    """The event rows and small payloads of golden log ``name``."""
    import base64

    events, blobs = [], []
    for line in (GOLDEN / f"{name}.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row["table"] == "events":
            events.append((row["originator_id"], row["originator_version"], row["topic"], orjson.dumps(row["state"])))
        else:
            blobs.append((row["hash"], base64.b64decode(row["data"])))
    return events, blobs


def version_filters(store: EventStore) -> list[set[str] | None]:
    """No filter, each version ever named alone, and every version but the first."""
    names = sorted(
        {r.originator_id.removeprefix("VERSION_") for r in store.events_with_prefix("VERSION_")}
        | {r.payload["new_name"] for r in store.events_with_prefix("VERSION_") if "new_name" in r.payload}
    )
    return [None, *({name} for name in names), set(names[1:])]


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "events.db")
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.mark.parametrize("name", ["production", "monthly_cycle", "seed", "failing_task"])
def test_past_listings_of_a_golden_log_are_the_fold(name: str, store_url: str, tmp_path: Path) -> None:
    events, blobs = golden_rows(name)
    with EventStore.open(store_url) as store:
        store.insert([events], blobs)
        content = BlobStore(tmp_path / "blobs", inline=store.inline_blobs)
        for versions in version_filters(store):
            compared = listings_match(
                store, lambda position, shown=versions: open_view(store, content, position, shown)
            )
            assert compared == store.max_position() + 1


def test_the_production_log_moves_entities_between_versions() -> None:
    """The golden log the listings must follow through a rename and a migration has both."""
    topics = {topic for _, _, topic, _ in golden_rows("production")[0]}
    assert {"ledgerflow.version.renamed", "ledgerflow.version.migrated", "ledgerflow.scenario.migrated"} <= topics


# -- two processes appending to one store ---------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_listings_follow_what_other_processes_append(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that opened the store lists, as of any position, what two other processes appended
    (creations, deletions, shared nodes) exactly as the fold does; the index built from that log
    again (an upgraded store, a rebuild) equals the one the processes kept."""
    url = request.getfixturevalue("postgres_url") if backend == "postgresql" else None
    workdir = tmp_path / "shared"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    if url:
        monkeypatch.setenv("LEDGERFLOW_EVENT_STORE", url)
    session.close()
    lf.Config._reset()
    configure_torture()
    try:
        assert lf.get_scenarios() == []  # this process has the store open before the others append
        reports = run_children(workdir, url, mode="mix", processes=2, seconds=4.0, seed=19)
        assert all(report.returncode == 0 for report in reports), [r.stderr[-2000:] for r in reports]
        deletions = sum(1 for report in reports for ack in report.acks if ack["ack"] == "delete")
        store = session.current().runtime.store
        assert store.max_position() > 0 and deletions > 0
        compared = listings_match(store, public_view, every=max(1, store.max_position() // 300))
        assert compared >= min(300, store.max_position())
        assert lf.as_of(store.max_position()).get_scenarios()  # what they left
        kept = store.entity_index.rows()
        where = url or store.where
    finally:
        session.close()
        lf.Config._reset()
    assert_index_derives_from_the_log(where, kept)


def assert_index_derives_from_the_log(url: str, kept: Iterable[tuple[object, ...]]) -> None:
    """Built from the log (a store without the index, opened), and rebuilt: the same rows as ``kept``."""
    expected = [tuple(row) for row in kept]
    with EventStore.open(url) as store:
        store.recorder.run(f"DROP TABLE {store.recorder.qualify(INDEX_TABLE)}", commit=True)
    with EventStore.open(url) as store:
        assert [tuple(row) for row in store.entity_index.rows()] == expected
        store.entity_index.rebuild()
        assert [tuple(row) for row in store.entity_index.rows()] == expected


def test_an_old_store_gets_its_index_from_its_log(tmp_path: Path) -> None:
    """The golden log as a store written before the index existed: opening it builds the index."""
    events, blobs = golden_rows("production")
    path = str(tmp_path / "events.db")
    with EventStore.open(path) as store:
        store.insert([events], blobs)
        kept = store.entity_index.rows()
    assert len(kept) == sum(1 for _, _, topic, _ in events if topic in TOPICS)
    assert_index_derives_from_the_log(path, kept)


def test_replay_finds_an_altered_index_and_derives_it_again(tmp_path: Path) -> None:
    """The index is never a second truth: ``ledgerflow replay --verify`` reports a row that differs from
    the log, and ``ledgerflow replay`` derives the index again, so past listings are the fold's again."""
    from ledgerflow.service.audit.replay import replay_store

    events, blobs = golden_rows("monthly_cycle")
    with EventStore.open(str(tmp_path / "events.db")) as store:
        store.insert([events], blobs)
        content = BlobStore(tmp_path / "blobs", inline=store.inline_blobs)
        assert replay_store(store, verify=True).ok
        position, scenario_id = next((p, e) for k, p, e, *_ in store.entity_index.rows() if k == "scenarios")
        table = store.recorder.qualify(INDEX_TABLE)
        store.recorder.run(f"UPDATE {table} SET change = 'd' WHERE position = ?", [position], commit=True)
        assert scenario_id not in [s.id for s in open_view(store, content).get_scenarios()]
        report = replay_store(store, verify=True)
        assert [line for line in report.differences if f"entity index at position {position}:" in line]
        assert not replay_store(store, verify=False).differences
        assert replay_store(store, verify=True).ok
        assert listings_match(store, lambda at: open_view(store, content, at)) == store.max_position() + 1
