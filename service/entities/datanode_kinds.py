"""Taipy's data node class of each storage type, so ``isinstance(node, PickleDataNode)`` works.

``DataNode(id, source)`` returns an instance of the class of the node's storage type; the classes
add nothing else: how a value is read and written is the storage backend's work
(``storage/datanodes.py``).
"""

from __future__ import annotations

from ledgerflow.service.entities.datanode import DataNode

__all__ = [
    "CSVDataNode",
    "ExcelDataNode",
    "GenericDataNode",
    "InMemoryDataNode",
    "JSONDataNode",
    "MongoCollectionDataNode",
    "ParquetDataNode",
    "PickleDataNode",
    "S3ObjectDataNode",
    "SQLDataNode",
    "SQLTableDataNode",
]


class PickleDataNode(DataNode):
    """A data node stored as a pickle."""

    __slots__ = ()
    _storage_type = "pickle"


class CSVDataNode(DataNode):
    """A data node stored in a CSV file."""

    __slots__ = ()
    _storage_type = "csv"


class ExcelDataNode(DataNode):
    """A data node stored in an Excel file."""

    __slots__ = ()
    _storage_type = "excel"


class JSONDataNode(DataNode):
    """A data node stored in a JSON file."""

    __slots__ = ()
    _storage_type = "json"


class ParquetDataNode(DataNode):
    """A data node stored in a Parquet file."""

    __slots__ = ()
    _storage_type = "parquet"


class SQLTableDataNode(DataNode):
    """A data node stored in a SQL table."""

    __slots__ = ()
    _storage_type = "sql_table"


class SQLDataNode(DataNode):
    """A data node read and written by SQL queries."""

    __slots__ = ()
    _storage_type = "sql"


class MongoCollectionDataNode(DataNode):
    """A data node stored in a Mongo collection."""

    __slots__ = ()
    _storage_type = "mongo_collection"


class InMemoryDataNode(DataNode):
    """A data node kept in this process's memory."""

    __slots__ = ()
    _storage_type = "in_memory"


class GenericDataNode(DataNode):
    """A data node read and written by the user's functions."""

    __slots__ = ()
    _storage_type = "generic"


class S3ObjectDataNode(DataNode):
    """A data node stored as an S3 object."""

    __slots__ = ()
    _storage_type = "s3_object"
