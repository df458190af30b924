"""mongo_collection data nodes on pymongo: the documents of one collection.

A write inserts the new documents into a fresh collection and renames it over the old one (one
atomic step on the server), so a failure never leaves the collection empty (a client without
``rename``, such as montydb, replaces the documents in place instead). Filters are query
documents with explicit operators (``{"field": {"$eq": value}}``), so a value is never read as
an operator. Values are archived by the canonical hash of their documents (sorted-key JSON).
``client_factory`` (a callable returning a pymongo-compatible client) replaces ``MongoClient``.
"""

from __future__ import annotations

import hashlib
import pickle
import uuid
from typing import Any

import orjson

from ledgerflow.domain.errors import DataNodeReadingError, DataNodeWritingError, LedgerflowError
from ledgerflow.domain.filters import Condition, JoinOperator
from ledgerflow.storage.blobs import BlobStore, unframe
from ledgerflow.storage.node_spec import NodeSpec, Payload
from ledgerflow.storage.tabular.extras import need
from ledgerflow.storage.tabular.filtering import mongo_query
from ledgerflow.storage.tabular.frames import where
from ledgerflow.storage.tabular.secrets import prop, scrub


class MongoCollectionBackend:
    """Documents as dicts (with their ``_id``), or as ``custom_document`` objects."""

    archives = True

    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs
        self._clients: dict[tuple[Any, ...], Any] = {}

    def collection(self, spec: NodeSpec, name: str | None = None) -> Any:
        """The node's collection (or another one of its database)."""
        factory = spec.properties.get("client_factory")
        key = (id(factory), prop(spec, "db_host", "localhost"), prop(spec, "db_port", 27017), prop(spec, "db_username"))
        if key not in self._clients:
            if callable(factory):
                self._clients[key] = factory()
            else:
                pymongo = need("pymongo", spec.storage_type)
                self._clients[key] = pymongo.MongoClient(
                    host=prop(spec, "db_host", "localhost"),
                    port=int(prop(spec, "db_port", 27017)),
                    username=prop(spec, "db_username") or None,
                    password=prop(spec, "db_password") or None,
                    serverSelectionTimeoutMS=5000,
                    **dict(prop(spec, "db_extra_args") or {}),
                )
        return self._clients[key][str(prop(spec, "db_name"))][name or str(prop(spec, "collection_name"))]

    def location(self, spec: NodeSpec) -> str:
        """``mongo:db/collection``."""
        return f"mongo:{prop(spec, 'db_name')}/{prop(spec, 'collection_name')}"

    def read(self, spec: NodeSpec, content_hash: str) -> Any:
        return self._find(spec, {})

    def filter(self, spec: NodeSpec, content_hash: str, conditions: list[Condition], join: JoinOperator) -> Any:
        """Only the matching documents, selected by the server."""
        return self._find(spec, mongo_query(conditions, join))

    def read_archived(self, spec: NodeSpec, content_hash: str) -> Any:
        """The documents a write recorded."""
        return self._decode(spec, pickle.loads(unframe(self.blobs.get(content_hash))))

    def write(self, spec: NodeSpec, value: Any) -> Payload:
        documents = self._documents(spec, value)
        try:
            target = self.collection(spec)
            fresh = self.collection(spec, f"{target.name}.ledgerflow-{uuid.uuid4().hex[:12]}")
            if not documents:
                target.drop()
            else:
                fresh.insert_many([dict(d) for d in documents])
                try:
                    fresh.rename(target.name, dropTarget=True)
                except NotImplementedError:  # an embedded database without rename: replace in place
                    fresh.drop()
                    if target.name in target.database.list_collection_names():
                        target.delete_many({})
                    target.insert_many([dict(d) for d in documents])
        except LedgerflowError:
            raise
        except Exception as error:
            raise DataNodeWritingError(
                f"{where(spec)} cannot write {self.location(spec)}: {scrub(spec, str(error))}. "
                "The previous value is kept."
            ) from None
        return self.archive(spec, documents, self.location(spec))

    def append(self, spec: NodeSpec, value: Any, previous_hash: str | None) -> Payload:
        documents = self._documents(spec, value)
        try:
            if documents:
                self.collection(spec).insert_many([dict(d) for d in documents])
        except Exception as error:
            raise DataNodeWritingError(
                f"{where(spec)} cannot append to {self.location(spec)}: {scrub(spec, str(error))}"
            ) from None
        everything = [{k: v for k, v in d.items() if k != "_id"} for d in self._find_raw(spec, {})]
        return self.archive(spec, everything, self.location(spec))

    def snapshot(self, spec: NodeSpec) -> Payload:
        """Archive the documents the collection holds now."""
        documents = [{k: v for k, v in d.items() if k != "_id"} for d in self._find_raw(spec, {})]
        return self.archive(spec, documents, self.location(spec))

    def archive(self, spec: NodeSpec, value: Any, location: str = "archive") -> Payload:
        """Archive documents under their canonical hash, without touching the server."""
        documents = self._documents(spec, value)
        canonical = orjson.dumps(documents, option=orjson.OPT_SORT_KEYS, default=str)
        key = hashlib.sha256(b"ledgerflow-documents-v1|" + canonical).hexdigest()
        ref = self.blobs.put_keyed(key, pickle.dumps(documents, protocol=5))
        return Payload(key, ref.size, location, {"documents": len(documents)})

    def _find(self, spec: NodeSpec, query: dict[str, Any]) -> Any:
        return self._decode(spec, self._find_raw(spec, query))

    def _find_raw(self, spec: NodeSpec, query: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            return list(self.collection(spec).find(query))
        except LedgerflowError:
            raise
        except Exception as error:
            raise DataNodeReadingError(
                f"{where(spec)} cannot read {self.location(spec)}: {scrub(spec, str(error))}"
            ) from None

    def _decode(self, spec: NodeSpec, documents: list[dict[str, Any]]) -> Any:
        cls = spec.properties.get("custom_document")
        if not isinstance(cls, type) or cls is dict:
            return documents
        try:
            return [cls(**{k: v for k, v in d.items() if k != "_id"}) for d in documents]
        except TypeError as error:
            raise DataNodeReadingError(
                f"{where(spec)}: its documents do not fit custom_document {cls.__name__}: {error}"
            ) from None

    def _documents(self, spec: NodeSpec, value: Any) -> list[dict[str, Any]]:
        items = value if isinstance(value, list | tuple) else [value]
        documents = []
        for item in items:
            if isinstance(item, dict):
                documents.append(dict(item))
            elif hasattr(item, "__dict__"):
                documents.append(dict(vars(item)))
            else:
                raise DataNodeWritingError(
                    f"{where(spec)} stores documents, not a {type(item).__name__}: give dicts or objects. "
                    "The previous value is kept."
                )
        return documents
