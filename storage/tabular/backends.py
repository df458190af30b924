"""The backends of the storage types that need optional libraries (imported on first use)."""

from __future__ import annotations

from typing import Any

from ledgerflow.storage.blobs import BlobStore
from ledgerflow.storage.tabular.formats import CsvBackend, ExcelBackend, ParquetBackend
from ledgerflow.storage.tabular.mongo import MongoCollectionBackend
from ledgerflow.storage.tabular.s3 import S3ObjectBackend
from ledgerflow.storage.tabular.sql import SqlQueryBackend, SqlTableBackend


def tabular_backends(blobs: BlobStore) -> dict[str, Any]:
    """csv, excel, parquet, sql_table, sql, s3_object and mongo_collection."""
    return {
        "csv": CsvBackend(blobs),
        "excel": ExcelBackend(blobs),
        "parquet": ParquetBackend(blobs),
        "sql_table": SqlTableBackend(blobs),
        "sql": SqlQueryBackend(blobs),
        "s3_object": S3ObjectBackend(blobs),
        "mongo_collection": MongoCollectionBackend(blobs),
    }
