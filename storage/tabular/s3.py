"""s3_object data nodes on boto3: the bytes of one object, archived by their sha256.

Properties: Taipy's ``aws_access_key``, ``aws_secret_access_key``, ``aws_s3_bucket_name``,
``aws_s3_object_key``, ``aws_region`` and ``aws_s3_object_parameters`` (passed to ``put_object``),
plus ``aws_s3_endpoint_url`` for an S3-compatible server and ``aws_s3_client_parameters``.
"""

from __future__ import annotations

from typing import Any

from ledgerflow.domain.errors import DataNodeReadingError, DataNodeWritingError, LedgerflowError
from ledgerflow.domain.filters import Condition, JoinOperator
from ledgerflow.storage.blobs import BlobStore
from ledgerflow.storage.node_spec import NodeSpec, Payload
from ledgerflow.storage.tabular.extras import need
from ledgerflow.storage.tabular.frames import where
from ledgerflow.storage.tabular.secrets import prop, scrub


class S3ObjectBackend:
    """One object's bytes (a str is stored as UTF-8); append adds bytes at the end."""

    archives = True

    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs

    def client(self, spec: NodeSpec) -> Any:
        """A boto3 S3 client with the node's credentials."""
        boto3 = need("boto3", spec.storage_type)
        return boto3.client(
            "s3",
            aws_access_key_id=prop(spec, "aws_access_key"),
            aws_secret_access_key=prop(spec, "aws_secret_access_key"),
            region_name=prop(spec, "aws_region"),
            endpoint_url=prop(spec, "aws_s3_endpoint_url"),
            **dict(prop(spec, "aws_s3_client_parameters") or {}),
        )

    def location(self, spec: NodeSpec) -> str:
        """``s3://bucket/key``."""
        return f"s3://{prop(spec, 'aws_s3_bucket_name')}/{prop(spec, 'aws_s3_object_key')}"

    def read(self, spec: NodeSpec, content_hash: str) -> Any:
        try:
            response = self.client(spec).get_object(
                Bucket=prop(spec, "aws_s3_bucket_name"), Key=prop(spec, "aws_s3_object_key")
            )
            return response["Body"].read()
        except LedgerflowError:
            raise
        except Exception as error:
            raise DataNodeReadingError(
                f"{where(spec)} cannot read {self.location(spec)}: {scrub(spec, str(error))}"
            ) from None

    def read_archived(self, spec: NodeSpec, content_hash: str) -> Any:
        """The bytes a write recorded."""
        return self.blobs.get(content_hash)

    def write(self, spec: NodeSpec, value: Any) -> Payload:
        data = self._bytes(spec, value)
        try:
            self.client(spec).put_object(
                Bucket=prop(spec, "aws_s3_bucket_name"),
                Key=prop(spec, "aws_s3_object_key"),
                Body=data,
                **dict(prop(spec, "aws_s3_object_parameters") or {}),
            )
        except LedgerflowError:
            raise
        except Exception as error:
            raise DataNodeWritingError(
                f"{where(spec)} cannot write {self.location(spec)}: {scrub(spec, str(error))}. "
                "The previous value is kept."
            ) from None
        return self.archive(spec, data, self.location(spec))

    def snapshot(self, spec: NodeSpec) -> Payload:
        """Archive the object's bytes as they are now."""
        return self.archive(spec, self.read(spec, ""), self.location(spec))

    def archive(self, spec: NodeSpec, value: Any, location: str = "archive") -> Payload:
        """Archive the bytes without touching the bucket."""
        ref = self.blobs.put(self._bytes(spec, value))
        return Payload(ref.hash, ref.size, location)

    def append(self, spec: NodeSpec, value: Any, previous_hash: str | None) -> Payload:
        current = self.read(spec, previous_hash or "") if previous_hash is not None else b""
        return self.write(spec, bytes(current) + self._bytes(spec, value))

    def filter(self, spec: NodeSpec, content_hash: str, conditions: list[Condition], join: JoinOperator) -> Any:
        raise DataNodeReadingError(f"{where(spec)} holds bytes, which cannot be filtered: read() them instead.")

    def _bytes(self, spec: NodeSpec, value: Any) -> bytes:
        if isinstance(value, bytes | bytearray | memoryview):
            return bytes(value)
        if isinstance(value, str):
            return value.encode()
        raise DataNodeWritingError(
            f"{where(spec)} stores the bytes of an S3 object, not a {type(value).__name__}: give bytes or str. "
            "The previous value is kept."
        )
