"""``Config.configure_s3_object_data_node`` and ``configure_mongo_collection_data_node`` (Taipy's names).

Credentials belong in ``ENV[...]`` templates: they are recorded unresolved and resolved only when
the node is used.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ledgerflow.domain.config.data_node import DataNodeConfig
from ledgerflow.domain.config.registration import register_data_node
from ledgerflow.domain.enums import Scope


class RemoteDataNodeHelpers:
    """Mixin of ``Config``: the helpers of storage types that live on a server."""

    @classmethod
    def configure_s3_object_data_node(
        cls,
        id: str,
        aws_access_key: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_s3_bucket_name: str | None = None,
        aws_s3_object_key: str | None = None,
        aws_region: str | None = None,
        aws_s3_object_parameters: dict[str, Any] | None = None,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """A data node holding the bytes of one S3 object (``aws_s3_endpoint_url`` for a local server)."""
        props = {
            "aws_access_key": aws_access_key,
            "aws_secret_access_key": aws_secret_access_key,
            "aws_s3_bucket_name": aws_s3_bucket_name,
            "aws_s3_object_key": aws_s3_object_key,
            "aws_region": aws_region,
            "aws_s3_object_parameters": aws_s3_object_parameters,
            **properties,
        }
        return register_data_node(id, "s3_object", scope, validity_period, props)

    @classmethod
    def configure_mongo_collection_data_node(
        cls,
        id: str,
        db_name: str | None = None,
        collection_name: str | None = None,
        custom_document: Any = None,
        db_username: str | None = None,
        db_password: str | None = None,
        db_host: str | None = None,
        db_port: int | None = None,
        db_extra_args: dict[str, Any] | None = None,
        scope: Scope | None = None,
        validity_period: timedelta | None = None,
        **properties: Any,
    ) -> DataNodeConfig:
        """A data node holding the documents of one MongoDB collection (a list of dicts, or of ``custom_document``)."""
        props = {
            "db_name": db_name,
            "collection_name": collection_name,
            "custom_document": custom_document,
            "db_username": db_username,
            "db_password": db_password,
            "db_host": db_host,
            "db_port": db_port,
            "db_extra_args": db_extra_args,
            **properties,
        }
        return register_data_node(id, "mongo_collection", scope, validity_period, props)
