"""Which pip extra each storage type needs, and whether it is installed.

``Config.check()`` refuses a storage type whose extra is missing, with the install line; the
backends raise the same message if a library disappears later.
"""

from __future__ import annotations

from importlib.util import find_spec

#: storage type -> (extra, modules it imports)
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "csv": ("pandas", ("pandas",)),
    "parquet": ("pandas", ("pandas", "pyarrow")),
    "excel": ("excel", ("pandas", "openpyxl")),
    "sql_table": ("sql", ("pandas", "sqlalchemy", "pyarrow")),
    "sql": ("sql", ("pandas", "sqlalchemy", "pyarrow")),
    "s3_object": ("s3", ("boto3",)),
    "mongo_collection": ("mongo", ("pymongo",)),
}
#: SQL engines and the driver module each needs (in the ``sql`` extra, except postgresql's psycopg).
SQL_DRIVERS: dict[str, tuple[str, str]] = {
    "postgresql": ("psycopg", "postgres"),
    "mysql": ("pymysql", "sql"),
    "mariadb": ("pymysql", "sql"),
}


def install_line(extra: str) -> str:
    """The pip command that installs ``extra``."""
    return f'pip install "ledgerflow[{extra}]"'


def missing_extra(storage_type: str, db_engine: object = None) -> str | None:
    """A one-line message naming the extra to install, or None when the storage type can be used."""
    extra, modules = EXTRAS.get(storage_type, ("", ()))
    absent = [m for m in modules if find_spec(m) is None]
    if absent:
        return f"storage type {storage_type} needs {', '.join(absent)}: {install_line(extra)}"
    driver = SQL_DRIVERS.get(str(db_engine)) if storage_type in ("sql", "sql_table") else None
    if driver is not None and find_spec(driver[0]) is None:
        return f"db_engine {db_engine} needs {driver[0]}: {install_line(driver[1])}"
    return None
