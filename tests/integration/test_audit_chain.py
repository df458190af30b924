"""The tamper-evident log: rows altered, removed, reordered or added with SQL are caught.

The same suite runs on an SQLite file and on PostgreSQL (skipped locally when the server is
down, failed under ``CI=true``). Tampering goes straight to the database, as an attacker would.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.domain import event

from ledgerflow.domain.entity import Entity
from ledgerflow.storage import EventStore, GroupCommitWriter
from ledgerflow.storage.chain import GENESIS, link_of
from ledgerflow.storage.chain_rows import unpack
from ledgerflow.storage.compression import MAGIC, compress_states, plain_state

POSTGRES_URL = os.environ.get("LEDGERFLOW_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


class Account(Entity):
    """The test aggregate."""

    TOPIC = "test.audit.account"

    @event("Created", topic="test.audit.account.opened")
    def __init__(self, id: str, owner: str) -> None:
        self.owner = owner

    @event("Credited", topic="test.audit.account.credited")
    def credit(self, amount: int) -> None:
        pass


def fill(store: EventStore, accounts: int = 4, credits: int = 2) -> None:
    """``accounts * (1 + credits)`` events, one command per account."""
    groups = []
    for i in range(accounts):
        account = Account(id=f"ACCOUNT_{i}", owner=f"owner{i}")
        for amount in range(credits):
            account.credit(100 * i + amount)
        groups.append((list(account.collect_events()), {"actor": "teller", "reason": "opening"}))
    store.append(groups)


class Tamper:
    """Raw SQL on the events table, bypassing ledgerflow."""

    events = "stored_events"
    position = "rowid"
    chain = "ledgerflow_chain"

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def row(self, position: int) -> tuple[str, int, str, bytes]:
        found = self.execute(
            f"SELECT originator_id, originator_version, topic, state FROM {self.events} WHERE {self.position} = ?",
            (position,),
        )
        originator_id, version, topic, state = found[0]
        return originator_id, version, topic, bytes(state)

    def set_row(self, position: int, row: tuple[str, int, str, bytes]) -> None:
        self.execute(
            f"UPDATE {self.events} SET originator_id = ?, originator_version = ?, topic = ?, state = ? "
            f"WHERE {self.position} = ?",
            (*row, position),
        )

    def alter(self, position: int, old: bytes, new: bytes) -> None:
        """Edit the event's JSON, compressed again as the store keeps it (the attacker knows the format)."""
        originator_id, version, topic, state = self.row(position)
        plain = plain_state(state)
        assert state[:4] == MAGIC and old in plain
        self.set_row(position, compress_states([(originator_id, version, topic, plain.replace(old, new))])[0])

    def swap(self, first: int, second: int) -> None:
        a, b = self.row(first), self.row(second)
        self.set_row(first, ("TEMPORARY", 0, a[2], a[3]))
        self.set_row(second, a)
        self.set_row(first, b)

    def delete(self, position: int) -> None:
        self.execute(f"DELETE FROM {self.events} WHERE {self.position} = ?", (position,))

    def insert(self, row: tuple[str, int, str, bytes]) -> None:
        self.execute(
            f"INSERT INTO {self.events} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)", row
        )

    def drop_link(self, position: int) -> None:
        """Remove one event's link from the chain (rows hold runs of links: rewritten one per event)."""
        links = [
            (at, link)
            for key, stored in self.execute(f"SELECT position, link FROM {self.chain} ORDER BY position")
            for at, link in unpack(key, bytes(stored))
            if at != position
        ]
        self.execute(f"DELETE FROM {self.chain}")
        for at, link in links:
            self.execute(f"INSERT INTO {self.chain} (position, link) VALUES (?, ?)", (at, link))

    def rechain(self) -> None:
        """What a careful attacker does after an edit: recompute every link."""
        rows = self.execute(
            f"SELECT {self.position}, originator_id, originator_version, topic, state FROM {self.events} "
            f"ORDER BY {self.position}"
        )
        self.execute(f"DELETE FROM {self.chain}")
        previous = GENESIS
        for position, originator_id, version, topic, state in rows:
            previous = link_of(previous, position, originator_id, version, topic, bytes(state))
            self.execute(f"INSERT INTO {self.chain} (position, link) VALUES (?, ?)", (position, previous))


class SQLiteTamper(Tamper):
    def __init__(self, path: Path) -> None:
        self.path = path

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.path) as conn:
            rows = conn.execute(statement, params).fetchall()
        conn.close()
        return rows


class PostgresTamper(Tamper):
    position = "notification_id"

    def __init__(self, url: str, schema: str) -> None:
        self.url = url
        self.events = f'"{schema}".ledgerflow_events'
        self.chain = f'"{schema}".ledgerflow_chain'

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(statement.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []


class ChainContract:
    """What the hash chain must catch, on every backend."""

    @pytest.fixture
    def url(self) -> str:
        raise NotImplementedError

    @pytest.fixture
    def tamper(self, url: str) -> Tamper:
        raise NotImplementedError

    @pytest.fixture
    def store(self, url: str) -> Iterator[EventStore]:
        store = EventStore.open(url)
        fill(store)
        yield store
        store.close()

    def test_an_intact_log_verifies(self, store: EventStore) -> None:
        report = store.verify_chain()
        assert report.ok and report.finding is None
        assert report.checked == 12
        assert (report.head_position, report.head_link) == (12, store.chain.head()[1].hex())

    def test_an_altered_event_is_caught(self, store: EventStore, tamper: Tamper) -> None:
        tamper.alter(5, b'"amount":100', b'"amount":900')
        report = store.verify_chain()
        assert report.finding is not None
        assert (report.finding.problem, report.finding.position) == ("altered", 5)
        assert (report.finding.originator_id, report.finding.originator_version) == ("ACCOUNT_1", 2)
        assert report.checked == 4
        assert "position 5" in report.finding.message

    def test_a_removed_event_is_caught(self, store: EventStore, tamper: Tamper) -> None:
        tamper.delete(7)
        report = store.verify_chain()
        assert report.finding is not None
        assert (report.finding.problem, report.finding.position, report.checked) == ("removed", 7, 6)

    def test_the_last_event_removed_is_caught(self, store: EventStore, tamper: Tamper) -> None:
        tamper.delete(12)
        finding = store.verify_chain().finding
        assert finding is not None and (finding.problem, finding.position) == ("removed", 12)

    def test_reordered_events_are_caught(self, store: EventStore, tamper: Tamper) -> None:
        tamper.swap(3, 8)
        report = store.verify_chain()
        assert report.finding is not None
        assert (report.finding.problem, report.finding.position, report.finding.moved_from) == ("reordered", 3, 8)
        assert "recorded at position 8" in report.finding.message

    def test_an_event_added_behind_ledgerflows_back_is_caught(self, store: EventStore, tamper: Tamper) -> None:
        originator_id, _, topic, state = tamper.row(12)
        tamper.insert((originator_id, 4, topic, state))
        finding = store.verify_chain().finding
        assert finding is not None
        assert (finding.problem, finding.position, finding.originator_version) == ("unchained", 13, 4)

    def test_a_rewritten_chain_is_caught_by_the_noted_head(self, store: EventStore, tamper: Tamper) -> None:
        noted = store.verify_chain()
        head = (noted.head_position, noted.head_link)
        tamper.alter(2, b'"amount":0', b'"amount":5')
        tamper.rechain()
        assert store.verify_chain().ok  # the chain alone cannot tell
        finding = store.verify_chain(expect=head).finding
        assert finding is not None and (finding.problem, finding.position) == ("head_mismatch", 12)

    def test_a_cut_log_is_caught_by_the_noted_head(self, store: EventStore, tamper: Tamper) -> None:
        noted = store.verify_chain()
        for position in (11, 12):
            tamper.delete(position)
            tamper.drop_link(position)
        assert store.verify_chain().ok
        finding = store.verify_chain(expect=(noted.head_position, noted.head_link)).finding
        assert finding is not None and finding.problem == "head_mismatch"
        assert "no longer in the log" in finding.message

    def test_the_chain_grows_with_later_commits(self, store: EventStore, url: str) -> None:
        store.close()
        with EventStore.open(url, create=False) as reopened:
            account = reopened.get_aggregate("ACCOUNT_0")
            account.credit(7)
            with GroupCommitWriter(reopened) as writer:
                writer.submit(account.collect_events()).result(timeout=30)
            report = reopened.verify_chain()
            assert report.ok and report.head_position == 13

    def test_two_writers_at_once_keep_one_chain(self, store: EventStore, url: str) -> None:
        others = [EventStore.open(url, create=False) for _ in range(2)]
        errors: list[BaseException] = []

        def write(other: EventStore, prefix: str) -> None:
            try:
                with GroupCommitWriter(other) as writer:
                    futures = []
                    for i in range(60):
                        account = Account(id=f"ACCOUNT_{prefix}{i}", owner=prefix)
                        account.credit(i)
                        futures.append(writer.submit(account.collect_events()))
                    for future in futures:
                        future.result(timeout=60)
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=write, args=(o, f"T{n}_")) for n, o in enumerate(others)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        for other in others:
            other.close()
        assert errors == []
        report = store.verify_chain()
        assert report.ok and report.checked == 12 + 2 * 60 * 2

    def test_a_committed_batch_is_one_chain_row_and_each_event_keeps_its_link(
        self, store: EventStore, tamper: Tamper
    ) -> None:
        assert [p for p, _ in tamper.execute(f"SELECT position, link FROM {tamper.chain}")] == [12]
        report = store.verify_chain()
        links = dict(store.chain.links(0, 12))
        assert sorted(links) == list(range(1, 13)) and links[12].hex() == report.head_link
        assert store.chain.link_at(5) == links[5] and store.chain.link_at(13) is None
        previous = GENESIS
        for position in range(1, 13):  # the links are those of a row per event: the same chain
            previous = link_of(previous, position, *tamper.row(position))
            assert links[position] == previous

    def test_a_store_with_a_row_per_event_verifies_and_grows_in_batches(
        self, store: EventStore, url: str, tamper: Tamper
    ) -> None:
        noted = store.verify_chain()
        store.close()
        tamper.rechain()  # a row per event: the chain as stores written before kept it
        with EventStore.open(url, create=False) as reopened:
            report = reopened.verify_chain()
            assert report.ok and (report.head_position, report.head_link) == (12, noted.head_link)
            accounts = [Account(id=f"ACCOUNT_new{i}", owner="new") for i in range(3)]
            with GroupCommitWriter(reopened) as writer:
                for account in accounts:
                    writer.submit(account.collect_events())
            assert reopened.verify_chain(expect=(12, noted.head_link)).ok
            assert reopened.chain.head()[0] == 15 and reopened.chain.link_at(7) is not None
        tamper.alter(5, b'"amount":100', b'"amount":900')
        tamper.alter(14, b'"owner":"new"', b'"owner":"old"')
        with EventStore.open(url, create=False, durability="full") as reopened:
            finding = reopened.verify_chain().finding
            assert finding is not None and (finding.problem, finding.position) == ("altered", 5)
        tamper.alter(5, b'"amount":900', b'"amount":100')
        with EventStore.open(url, create=False) as reopened:
            finding = reopened.verify_chain().finding
            assert finding is not None and (finding.problem, finding.position, finding.originator_id) == (
                "altered",
                14,
                "ACCOUNT_new1",
            )

    def test_a_store_written_before_the_chain_is_linked_when_opened(
        self, store: EventStore, url: str, tamper: Tamper
    ) -> None:
        store.close()
        tamper.execute(f"DROP TABLE {tamper.chain}")
        with EventStore.open(url, create=False) as upgraded:
            report = upgraded.verify_chain()
            assert report.ok and report.checked == 12
        tamper.alter(3, b'"amount":1', b'"amount":2')
        with EventStore.open(url, create=False) as reopened:
            finding = reopened.verify_chain().finding
            assert finding is not None and (finding.problem, finding.position) == ("altered", 3)


class TestSQLiteChain(ChainContract):
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return str(tmp_path / "events.db")

    @pytest.fixture
    def tamper(self, url: str) -> Tamper:
        return SQLiteTamper(Path(url))


@pytest.mark.postgres
class TestPostgresChain(ChainContract):
    @pytest.fixture
    def url(self, postgres_url: str) -> str:
        return postgres_url

    @pytest.fixture
    def tamper(self, url: str) -> Tamper:
        return PostgresTamper(POSTGRES_URL, url.rsplit("schema=", 1)[1])
