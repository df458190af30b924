"""The ``Config.configure_<storage>_data_node`` helpers (Taipy's names and parameters).

Each records a data node config of its storage type. A parameter left to None is not set, so the
storage type's default applies (``encoding="utf-8"``, ``has_header=True``,
``exposed_type="pandas"``...), and ``Config.check()`` reports missing required properties.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from ledgerflow.domain.config.data_node import DataNodeConfig
from ledgerflow.domain.config.registration import register_data_node
from ledgerflow.domain.enums import Scope

Fn = Callable[..., Any]
FilePath = str | os.PathLike[str]


class DataNodeHelpers:
    """Mixin of ``Config``: one helper per storage type."""

    @classmethod
    def configure_pickle_data_node(
        cls,
        id: str,
        default_path: FilePath | None = None,
        default_data: Any = None,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """A data node pickled to a file (under the storage folder unless a path is set)."""
        props = {"default_path": default_path, "default_data": default_data, **properties}
        return register_data_node(id, "pickle", scope, validity_period, props)

    @classmethod
    def configure_json_data_node(
        cls,
        id: str,
        default_path: FilePath | None = None,
        encoding: str | None = None,
        encoder: type | None = None,
        decoder: type | None = None,
        default_data: Any = None,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """A data node stored as JSON (``encoder``/``decoder``: JSONEncoder/JSONDecoder classes)."""
        props = {
            "default_path": default_path,
            "encoding": encoding,
            "encoder": encoder,
            "decoder": decoder,
            "default_data": default_data,
            **properties,
        }
        return register_data_node(id, "json", scope, validity_period, props)

    @classmethod
    def configure_in_memory_data_node(
        cls,
        id: str,
        default_data: Any = None,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """A data node kept in memory (development job mode only)."""
        props = {"default_data": default_data, **properties}
        return register_data_node(id, "in_memory", scope, validity_period, props)

    @classmethod
    def configure_generic_data_node(
        cls,
        id: str,
        read_fct: Fn | None = None,
        write_fct: Fn | None = None,
        read_fct_args: list[Any] | None = None,
        write_fct_args: list[Any] | None = None,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """A data node read by ``read_fct(*read_fct_args)`` and written by
        ``write_fct(data, *write_fct_args)``."""
        props = {
            "read_fct": read_fct,
            "write_fct": write_fct,
            "read_fct_args": read_fct_args,
            "write_fct_args": write_fct_args,
            **properties,
        }
        return register_data_node(id, "generic", scope, validity_period, props)

    @classmethod
    def configure_csv_data_node(
        cls,
        id: str,
        default_path: FilePath | None = None,
        encoding: str | None = None,
        has_header: bool | None = None,
        exposed_type: Any = None,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """A data node stored as CSV."""
        props = {
            "default_path": default_path,
            "encoding": encoding,
            "has_header": has_header,
            "exposed_type": exposed_type,
            **properties,
        }
        return register_data_node(id, "csv", scope, validity_period, props)

    @classmethod
    def configure_excel_data_node(
        cls,
        id: str,
        default_path: FilePath | None = None,
        has_header: bool | None = None,
        sheet_name: str | list[str] | None = None,
        exposed_type: Any = None,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """A data node stored as an Excel workbook (no ``sheet_name``: every sheet)."""
        props = {
            "default_path": default_path,
            "has_header": has_header,
            "sheet_name": sheet_name,
            "exposed_type": exposed_type,
            **properties,
        }
        return register_data_node(id, "excel", scope, validity_period, props)

    @classmethod
    def configure_parquet_data_node(
        cls,
        id: str,
        default_path: FilePath | None = None,
        engine: str | None = None,
        compression: str | None = None,
        read_kwargs: dict[str, Any] | None = None,
        write_kwargs: dict[str, Any] | None = None,
        exposed_type: Any = None,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """A data node stored as Parquet."""
        props = {
            "default_path": default_path,
            "engine": engine,
            "compression": compression,
            "read_kwargs": read_kwargs,
            "write_kwargs": write_kwargs,
            "exposed_type": exposed_type,
            **properties,
        }
        return register_data_node(id, "parquet", scope, validity_period, props)

    @classmethod
    def configure_sql_table_data_node(
        cls,
        id: str,
        db_name: str | None = None,
        db_engine: str | None = None,
        table_name: str | None = None,
        db_username: str | None = None,
        db_password: str | None = None,
        db_host: str | None = None,
        db_port: int | str | None = None,
        db_driver: str | None = None,
        sqlite_folder_path: str | None = None,
        sqlite_file_extension: str | None = None,
        db_extra_args: dict[str, Any] | None = None,
        exposed_type: Any = None,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """A data node stored in one SQL table."""
        props = {
            "db_name": db_name,
            "db_engine": db_engine,
            "table_name": table_name,
            "db_username": db_username,
            "db_password": db_password,
            "db_host": db_host,
            "db_port": db_port,
            "db_driver": db_driver,
            "sqlite_folder_path": sqlite_folder_path,
            "sqlite_file_extension": sqlite_file_extension,
            "db_extra_args": db_extra_args,
            "exposed_type": exposed_type,
            **properties,
        }
        return register_data_node(id, "sql_table", scope, validity_period, props)

    @classmethod
    def configure_sql_data_node(
        cls,
        id: str,
        db_name: str | None = None,
        db_engine: str | None = None,
        read_query: str | None = None,
        write_query_builder: Fn | None = None,
        append_query_builder: Fn | None = None,
        db_username: str | None = None,
        db_password: str | None = None,
        db_host: str | None = None,
        db_port: int | str | None = None,
        db_driver: str | None = None,
        sqlite_folder_path: str | None = None,
        sqlite_file_extension: str | None = None,
        db_extra_args: dict[str, Any] | None = None,
        exposed_type: Any = None,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """A data node read by an SQL query and written by queries the builders return."""
        props = {
            "db_name": db_name,
            "db_engine": db_engine,
            "read_query": read_query,
            "write_query_builder": write_query_builder,
            "append_query_builder": append_query_builder,
            "db_username": db_username,
            "db_password": db_password,
            "db_host": db_host,
            "db_port": db_port,
            "db_driver": db_driver,
            "sqlite_folder_path": sqlite_folder_path,
            "sqlite_file_extension": sqlite_file_extension,
            "db_extra_args": db_extra_args,
            "exposed_type": exposed_type,
            **properties,
        }
        return register_data_node(id, "sql", scope, validity_period, props)
