"""The data node storage types: their required properties and the defaults of optional ones."""

from __future__ import annotations

from typing import Any

# In the order Taipy lists them in its checker message.
STORAGE_TYPES = (
    "csv",
    "sql_table",
    "sql",
    "mongo_collection",
    "pickle",
    "excel",
    "generic",
    "json",
    "parquet",
    "s3_object",
    "in_memory",
)

_SQL_DEFAULTS: dict[str, Any] = {
    "db_host": "localhost",
    "db_port": 1433,
    "db_driver": "",
    "sqlite_file_extension": ".db",
    "exposed_type": "pandas",
}
OPTIONAL_DEFAULTS: dict[str, dict[str, Any]] = {
    "csv": {"encoding": "utf-8", "has_header": True, "exposed_type": "pandas"},
    "excel": {"has_header": True, "exposed_type": "pandas"},
    "json": {"encoding": "utf-8"},
    "parquet": {"engine": "pyarrow", "compression": "snappy", "exposed_type": "pandas"},
    "sql_table": _SQL_DEFAULTS,
    "sql": _SQL_DEFAULTS,
    "mongo_collection": {"db_host": "localhost", "db_port": 27017, "db_username": "", "db_password": ""},
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "sql_table": ("db_name", "db_engine", "table_name"),
    "sql": ("db_name", "db_engine", "read_query", "write_query_builder"),
}
# Required properties that do not depend on a database engine.
_ALWAYS_REQUIRED: dict[str, tuple[str, ...]] = {
    "mongo_collection": ("db_name", "collection_name"),
    "s3_object": ("aws_access_key", "aws_secret_access_key", "aws_s3_bucket_name", "aws_s3_object_key"),
}
# SQL engines other than sqlite also need credentials.
CREDENTIALS = ("db_username", "db_password")
# Properties that hold functions run by the engine (so they must be importable by workers).
FUNCTION_PROPERTIES = ("read_fct", "write_fct", "write_query_builder", "append_query_builder")
PATH_PROPERTIES = ("path", "default_path")


def missing_required(storage_type: str, properties: dict[str, Any]) -> list[str]:
    """The required properties of ``storage_type`` that ``properties`` lacks, in order."""
    required = list(REQUIRED.get(storage_type, ()))
    if storage_type in REQUIRED and properties.get("db_engine") != "sqlite":
        required += CREDENTIALS
    required += _ALWAYS_REQUIRED.get(storage_type, ())
    return [name for name in required if properties.get(name) is None]
