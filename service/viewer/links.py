"""Addresses of the viewer's pages; each carries the page's "as of" position along."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from ledgerflow.domain.ids import entity_kind

__all__ = ["Links"]

_PAGES = {
    "SCENARIO": "scenario",
    "DATANODE": "datanode",
    "JOB": "job",
    "SUBMISSION": "submission",
}


class Links:
    """Makes the links of one page: ``as_of`` (a position, or None for now) is kept on every link."""

    def __init__(self, as_of: int | None, prefix: str = "") -> None:
        self.as_of = as_of
        self.prefix = prefix

    def to(self, path: str, **query: str | int | None) -> str:
        """``path`` with ``query`` (None values left out) and the page's position."""
        params = {k: v for k, v in query.items() if v not in (None, "")}
        if self.as_of is not None:
            params["as_of"] = self.as_of
        return self.prefix + path + ("?" + urlencode(params) if params else "")

    def entity(self, entity_id: str) -> str:
        """The page of an entity (tasks, sequences and cycles: the generic entity page; versions: their page)."""
        if entity_id.startswith("VERSION_"):
            return self.to("/versions")
        page = _PAGES.get(entity_kind(entity_id) or "", "entity")
        return self.to(f"/{page}/{quote(entity_id, safe='')}")

    def live(self, path: str, **query: str | int | None) -> str:
        """``path`` as it is now (without a position)."""
        return Links(None, self.prefix).to(path, **query)
