"""The event stores tests can run on, and how to reach the PostgreSQL server."""

from __future__ import annotations

import os

import pytest

POSTGRES_URL = os.environ.get("LEDGERFLOW_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")

#: Parametrize ``event_store_url`` with these to run a module on both stores.
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def postgres_reachable() -> None:
    """Skip (or, under CI=true, fail) when the PostgreSQL server cannot be reached."""
    try:
        import psycopg

        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except Exception as error:
        reason = f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def mariadb_reachable() -> None:
    """Skip (or, under CI=true, fail) when the MariaDB server on 127.0.0.1:3306 cannot be reached."""
    try:
        import pymysql

        pymysql.connect(host="127.0.0.1", port=3306, user="root", database="test", connect_timeout=3).close()
    except Exception as error:
        reason = f"MariaDB is not reachable at 127.0.0.1:3306 (root, database test): {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
