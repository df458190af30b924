"""Ids as the user gives them: whole, or any unique part (``JOB_double_…c3d40e76``, a prefix, a suffix)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["full_id"]


def full_id(storage_folder: Path, event_store: str | None, text: str) -> str:
    """The id of the application's log that ``text`` stands for (``text`` itself if it fits none)."""
    from ledgerflow.commands.options import open_store
    from ledgerflow.storage.id_search import resolve_id

    with open_store(storage_folder, event_store) as store:
        return resolve_id(store, text)
