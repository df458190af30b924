"""Taipy's ``MongoDefaultDocument``: a document whose fields are its attributes (``custom_document``
of a Mongo collection data node; without one, documents are read as dicts)."""

from __future__ import annotations

from typing import Any


class MongoDefaultDocument:
    """A document read from (or written to) a Mongo collection, its fields as attributes."""

    def __init__(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self, name, value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MongoDefaultDocument) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"MongoDefaultDocument({fields})"
