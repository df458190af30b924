"""sql_table and sql data nodes on SQLite files, the PostgreSQL server and the MariaDB server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from backends import mariadb_reachable, postgres_reachable

import ledgerflow as lf
from ledgerflow import Config, JoinOperator, Operator
from ledgerflow.domain import errors

ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres), "mysql"]


@pytest.fixture(params=ENGINES)
def db(request: pytest.FixtureRequest, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The connection properties of one engine and a table name unique to the test (dropped afterwards)."""
    table = f"sales_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("LF_DB_PASSWORD", "s3cr3t-never-shown")
    if request.param == "sqlite":
        props: dict[str, Any] = {"db_engine": "sqlite", "db_name": "shop", "sqlite_folder_path": str(workdir)}
        url = f"sqlite:///{workdir / 'shop.db'}"
    elif request.param == "postgresql":
        postgres_reachable()
        props = {"db_engine": "postgresql", "db_name": "test", "db_host": "127.0.0.1", "db_port": 5432}
        props |= {"db_username": "postgres", "db_password": "ENV[LF_DB_PASSWORD]"}
        url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    else:
        mariadb_reachable()
        props = {"db_engine": "mysql", "db_name": "test", "db_host": "127.0.0.1", "db_port": 3306}
        props |= {"db_username": "root", "db_password": ""}
        url = "mysql+pymysql://root@127.0.0.1:3306/test"
    engine = sa.create_engine(url)
    yield {"props": props, "table": table, "engine": engine, "kind": request.param}
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
    engine.dispose()


def frame() -> pd.DataFrame:
    return pd.DataFrame({"region": ["north", "south", "east"], "amount": [10.5, 20.0, 7.25], "units": [1, 2, 3]})


def scenario_with(*nodes: object) -> lf.Scenario:
    return lf.create_scenario(Config.configure_scenario("s", [], additional_data_node_configs=list(nodes)))


def test_sql_table_write_read_append_filter_and_history(db: dict[str, Any]) -> None:
    node = scenario_with(Config.configure_sql_table_data_node("sales", table_name=db["table"], **db["props"])).sales
    node.write(frame())
    back = node.read()
    assert list(back["region"]) == ["north", "south", "east"] and list(back["units"]) == [1, 2, 3]
    node.append(pd.DataFrame({"region": ["west"], "amount": [1.0], "units": [4]}))
    assert len(node.read()) == 4 and node.edits[-1]["rows"] == 4
    assert len(node.read(version=1)) == 3  # from the archive, not the table
    got = node.filter([("units", 2, Operator.GREATER_OR_EQUAL), ("region", "west", Operator.NOT_EQUAL)])
    assert sorted(got["region"]) == ["east", "south"]
    either = node.filter([("region", "north", Operator.EQUAL), ("units", 4, Operator.EQUAL)], JoinOperator.OR)
    assert sorted(either["region"]) == ["north", "west"]
    assert list(node[node["units"] > 3]["region"]) == ["west"]
    node.write(frame())
    assert len(node.read()) == 3 and node.edits[-1]["hash"] != node.edits[-2]["hash"]


def test_a_filter_value_cannot_inject_sql(db: dict[str, Any]) -> None:
    node = scenario_with(Config.configure_sql_table_data_node("sales", table_name=db["table"], **db["props"])).sales
    node.write(frame())
    attack = "north' OR '1'='1"
    assert len(node.filter(("region", attack, Operator.EQUAL))) == 0
    assert len(node.filter(("region", "x'; DROP TABLE " + db["table"] + "; --", Operator.EQUAL))) == 0
    assert len(node.read()) == 3
    with pytest.raises(errors.DataNodeReadingError, match='"sales"'):
        node.filter(('region" = region OR 1=1 --', "x", Operator.EQUAL))  # a column name is quoted, not run


def test_sql_query_node_with_builders_and_a_query_that_has_its_own_where(db: dict[str, Any]) -> None:
    table = db["table"]
    with db["engine"].begin() as connection:
        connection.execute(sa.text(f"CREATE TABLE {table} (region VARCHAR(20), amount FLOAT, units INTEGER)"))

    node = scenario_with(
        Config.configure_sql_data_node(
            "big",
            read_query=f"SELECT region, units FROM {table} WHERE units >= 2 ORDER BY units",
            write_query_builder=_write_queries,
            append_query_builder=_append_queries,
            table=table,
            **db["props"],
        )
    ).big
    node.write(frame())
    assert list(node.read()["region"]) == ["south", "east"]
    node.append(pd.DataFrame({"region": ["west"], "amount": [1.0], "units": [9]}))
    assert list(node.read()["units"]) == [2, 3, 9]
    assert list(node.filter(("units", 3, Operator.GREATER_THAN))["region"]) == ["west"]
    assert node.read(version=1).empty and list(node.read(version=2)["units"]) == [2, 3]  # empty at creation


def _write_queries(data: pd.DataFrame) -> list[Any]:
    from ledgerflow.domain.config import Config as C

    table = next(dn for dn in C.data_nodes.values() if dn.storage_type == "sql").properties["table"]
    insert = f"INSERT INTO {table} (region, amount, units) VALUES (:region, :amount, :units)"
    return [f"DELETE FROM {table}", (insert, data.to_dict("records"))]


def _append_queries(data: pd.DataFrame) -> list[Any]:
    return _write_queries(data)[1:]


def test_a_failing_write_changes_nothing(db: dict[str, Any]) -> None:
    node = scenario_with(Config.configure_sql_table_data_node("sales", table_name=db["table"], **db["props"])).sales
    node.write(frame())
    bad = pd.DataFrame({"region": ["x", "y"], "amount": [1.0, 2.0], "units": ["not a number", "nor this"]})
    if db["kind"] != "sqlite":  # SQLite stores any value in any column
        with pytest.raises(
            errors.DataNodeWritingError, match=r'"sales" \(.*\) could not write.*previous value is kept'
        ):
            node.write(bad)
        assert len(node.read()) == 3 and len(node.edits) == 1
    with pytest.raises(errors.DataNodeWritingError, match=r'"sales".*appended columns'):
        node.append(pd.DataFrame({"other": [1]}))
    assert len(node.read()) == 3


def test_a_failing_query_and_an_unreachable_database_name_the_node_not_the_password(
    db: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = scenario_with(
        Config.configure_sql_data_node(
            "broken", read_query="SELECT * FROM no_such_table_here", write_query_builder=_append_queries, **db["props"]
        )
    ).broken
    from ledgerflow.service import session

    view = session.current().runtime.state.data_nodes[bad.id]
    from ledgerflow.runtime.datanodes import node_spec

    backend = session.current().backends.of("sql")
    with pytest.raises(errors.DataNodeReadingError, match=r'"broken" \(.*\) could not read'):
        backend.read(node_spec(view), "")
    if db["kind"] == "sqlite":
        return
    props = dict(db["props"], db_port=1)  # nothing listens there
    node = scenario_with(Config.configure_sql_table_data_node("far", table_name="t", **props)).far
    with pytest.raises(errors.DataNodeWritingError, match=r'"far" \(.*\) cannot reach its database') as caught:
        node.write(frame())
    assert "s3cr3t-never-shown" not in str(caught.value)


def total(rows: pd.DataFrame) -> float:
    return float(rows["amount"].sum())


def test_a_table_changed_in_the_database_reruns_its_readers(db: dict[str, Any]) -> None:
    lf.Orchestrator().run()
    Config.unblock_update()
    table = Config.configure_sql_table_data_node("sales", table_name=db["table"], **db["props"])
    out = Config.configure_pickle_data_node("total")
    task = Config.configure_task("sum", total, table, out, skippable=True)
    scenario = lf.create_scenario(Config.configure_scenario("s", [task]))
    scenario.sales.write(frame())
    assert [j.status for j in lf.submit(scenario, wait=True).jobs] == [lf.Status.COMPLETED]
    assert [j.status for j in lf.submit(scenario, wait=True).jobs] == [lf.Status.SKIPPED]
    with db["engine"].begin() as connection:  # someone changes the table
        connection.execute(sa.text(f"UPDATE {db['table']} SET amount = 1.0"))
    assert [j.status for j in lf.submit(scenario, wait=True).jobs] == [lf.Status.COMPLETED]
    assert scenario.total.read() == 3.0
    last = scenario.sales.edits[-1]
    assert last["kind"] == "external" and last["rows"] == 3
    assert float(scenario.sales.read(version=len(scenario.sales.edits) - 1)["amount"].sum()) == 37.75
