"""sql_table and sql data nodes on SQLAlchemy: writes in one transaction, filters as bound parameters.

The latest value is the database's: reads run the query. Each write (and append) archives the
table's new content as Parquet under its canonical hash and records its row count, so earlier
values stay readable and a re-run can tell whether the data changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ledgerflow.domain.config.storage_extras import SQL_DRIVERS, install_line
from ledgerflow.domain.errors import DataNodeReadingError, DataNodeWritingError, LedgerflowError, MissingExtraError
from ledgerflow.domain.filters import Condition, JoinOperator
from ledgerflow.storage.blobs import BlobStore
from ledgerflow.storage.node_spec import NodeSpec, Payload
from ledgerflow.storage.tabular.archive import archive_frame, archived_frame
from ledgerflow.storage.tabular.extras import need
from ledgerflow.storage.tabular.filtering import sql_where
from ledgerflow.storage.tabular.frames import exposed, to_frame, where
from ledgerflow.storage.tabular.secrets import prop, scrub

_DIALECTS = {
    "postgresql": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mysql+pymysql",
    "mssql": "mssql+pyodbc",
}


class SqlBackend:
    """What sql_table and sql share: the engine, reads, filters and the archive."""

    archives = True

    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs
        self._engines: dict[str, Any] = {}

    # --- what each type gives ---------------------------------------------------------------
    def base_query(self, spec: NodeSpec, engine: Any) -> str:
        raise NotImplementedError

    def store(self, spec: NodeSpec, connection: Any, value: Any, append: bool) -> None:
        raise NotImplementedError

    # --- the backend ------------------------------------------------------------------------
    def engine(self, spec: NodeSpec) -> Any:
        """The node's SQLAlchemy engine (one per database URL, kept)."""
        sa = need("sqlalchemy", spec.storage_type)
        kind = str(prop(spec, "db_engine"))
        query = {str(k): str(v) for k, v in dict(prop(spec, "db_extra_args") or {}).items()}
        if prop(spec, "db_driver"):
            query["driver"] = str(prop(spec, "db_driver"))
        if kind == "sqlite":
            folder = Path(prop(spec, "sqlite_folder_path") or ".")
            folder.mkdir(parents=True, exist_ok=True)
            url = sa.engine.URL.create(
                "sqlite", database=str(folder / f"{prop(spec, 'db_name')}{prop(spec, 'sqlite_file_extension', '.db')}")
            )
        elif kind in _DIALECTS:
            driver = SQL_DRIVERS.get(kind)
            if driver is not None:
                try:
                    need(driver[0], spec.storage_type)
                except MissingExtraError:
                    raise MissingExtraError(f"db_engine {kind} needs {driver[0]}: {install_line(driver[1])}") from None
            url = sa.engine.URL.create(
                _DIALECTS[kind],
                username=prop(spec, "db_username") or None,
                password=prop(spec, "db_password") or None,
                host=prop(spec, "db_host", "localhost"),
                port=int(prop(spec, "db_port", 1433)),
                database=prop(spec, "db_name"),
                query=query,
            )
        else:
            raise DataNodeReadingError(
                f"{where(spec)}: db_engine must be sqlite, postgresql, mysql, mariadb or mssql, not {kind!r}."
            )
        text = url.render_as_string(hide_password=False)
        if text not in self._engines:
            self._engines[text] = sa.create_engine(url, pool_pre_ping=True)
        return self._engines[text]

    def read(self, spec: NodeSpec, content_hash: str) -> Any:
        return exposed(spec, self.query(spec))

    def read_archived(self, spec: NodeSpec, content_hash: str) -> Any:
        """The value a write recorded (from the archive, not the database)."""
        return archived_frame(self.blobs, spec, content_hash)

    def filter(self, spec: NodeSpec, content_hash: str, conditions: list[Condition], join: JoinOperator) -> Any:
        """Only the matching rows, selected by the database."""
        return exposed(spec, self.query(spec, conditions, join))

    def query(
        self, spec: NodeSpec, conditions: list[Condition] | None = None, join: JoinOperator = JoinOperator.AND
    ) -> Any:
        """The rows of the node's query as a frame, filtered with bound parameters."""
        sa = need("sqlalchemy", spec.storage_type)
        with self._connection(spec, DataNodeReadingError, "read") as connection:
            return self._select(spec, sa, connection, conditions or [], join)

    def _select(self, spec: NodeSpec, sa: Any, connection: Any, conditions: list[Condition], join: JoinOperator) -> Any:
        pd = need("pandas", spec.storage_type)
        base = self.base_query(spec, connection.engine).strip().rstrip(";")
        statement, params = base, dict[str, Any]()
        if conditions:
            clause, params = sql_where(conditions, join, connection.engine.dialect.identifier_preparer.quote)
            statement = f"SELECT * FROM ({base}) q WHERE {clause}"
        result = connection.execute(sa.text(statement), params)
        return pd.DataFrame(result.fetchall(), columns=list(result.keys()))

    def write(self, spec: NodeSpec, value: Any) -> Payload:
        return self._change(spec, value, append=False)

    def append(self, spec: NodeSpec, value: Any, previous_hash: str | None) -> Payload:
        return self._change(spec, value, append=True)

    def snapshot(self, spec: NodeSpec) -> Payload:
        """Archive what the query returns now (what the database holds), recording its row count."""
        return archive_frame(self.blobs, self.query(spec), self.location(spec))

    def archive(self, spec: NodeSpec, value: Any) -> Payload:
        """Archive a value without touching the database (a re-run's results)."""
        return archive_frame(self.blobs, to_frame(spec, value), "archive")

    def _change(self, spec: NodeSpec, value: Any, append: bool) -> Payload:
        sa = need("sqlalchemy", spec.storage_type)
        action = "append to" if append else "write"
        with self._connection(spec, DataNodeWritingError, action) as connection, connection.begin():
            self.store(spec, connection, value, append)
            frame = self._select(spec, sa, connection, [], JoinOperator.AND)
        return archive_frame(self.blobs, frame, self.location(spec))

    def location(self, spec: NodeSpec) -> str:
        """Where the value lives, without credentials."""
        return f"{prop(spec, 'db_engine')}:{prop(spec, 'db_name')}"

    @contextmanager
    def _connection(self, spec: NodeSpec, error: type[LedgerflowError], action: str) -> Iterator[Any]:
        sa = need("sqlalchemy", spec.storage_type)
        engine = self.engine(spec)
        try:
            connection = engine.connect()
        except sa.exc.SQLAlchemyError as failure:
            raise error(
                f"{where(spec)} cannot reach its database {self.location(spec)}: {scrub(spec, _first_line(failure))}"
            ) from None
        try:
            yield connection
        except LedgerflowError:
            raise
        except Exception as failure:
            kept = " Nothing was changed; the previous value is kept." if error is DataNodeWritingError else ""
            raise error(
                f"{where(spec)} could not {action} {self.location(spec)}: {scrub(spec, _first_line(failure))}.{kept}"
            ) from None
        finally:
            connection.close()


class SqlTableBackend(SqlBackend):
    """One table: written as DELETE then INSERT (created from the frame when missing)."""

    def base_query(self, spec: NodeSpec, engine: Any) -> str:
        return f"SELECT * FROM {engine.dialect.identifier_preparer.quote(str(prop(spec, 'table_name')))}"

    def location(self, spec: NodeSpec) -> str:
        return f"{super().location(spec)}/{prop(spec, 'table_name')}"

    def store(self, spec: NodeSpec, connection: Any, value: Any, append: bool) -> None:
        sa = need("sqlalchemy", spec.storage_type)
        frame = to_frame(spec, value)
        name = str(prop(spec, "table_name"))
        inspector = sa.inspect(connection)
        if inspector.has_table(name):
            columns = [c["name"] for c in inspector.get_columns(name)]
            if append and [str(c) for c in frame.columns] != columns:
                raise DataNodeWritingError(
                    f"{where(spec)}: the appended columns {[str(c) for c in frame.columns]} differ from the "
                    f"table's columns {columns}. Nothing was appended; the previous value is kept."
                )
            if not append:
                table = sa.Table(name, sa.MetaData(), autoload_with=connection)
                connection.execute(table.delete())
        frame.to_sql(name, connection, if_exists="append", index=False)


class SqlQueryBackend(SqlBackend):
    """A query: read by ``read_query``, written by the queries the builders return."""

    def base_query(self, spec: NodeSpec, engine: Any) -> str:
        return str(prop(spec, "read_query"))

    def store(self, spec: NodeSpec, connection: Any, value: Any, append: bool) -> None:
        sa = need("sqlalchemy", spec.storage_type)
        name = "append_query_builder" if append else "write_query_builder"
        builder = spec.properties.get(name)
        if not callable(builder):
            raise DataNodeWritingError(f"{where(spec)} has no {name}: give one to configure_sql_data_node.")
        queries = builder(value)
        for query in queries if isinstance(queries, list | tuple) and not _is_pair(queries) else [queries]:
            if isinstance(query, tuple):
                connection.execute(sa.text(query[0]), query[1])
            else:
                connection.execute(sa.text(str(query)))


def _is_pair(queries: Any) -> bool:
    return (
        isinstance(queries, tuple)
        and len(queries) == 2
        and isinstance(queries[0], str)
        and not isinstance(queries[1], str)
    )


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
