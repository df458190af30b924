"""Values of server-backed nodes (SQL, Mongo, S3) archived by their canonical hash, for time travel and re-runs."""

from __future__ import annotations

import io
from typing import Any

from ledgerflow.domain.errors import DataNodeReadingError, LedgerflowError
from ledgerflow.storage.blobs import BlobStore, unframe
from ledgerflow.storage.node_spec import NodeSpec, Payload
from ledgerflow.storage.tabular.files import exposed_value
from ledgerflow.storage.tabular.frames import frame_hash, where


def archive_frame(blobs: BlobStore, frame: Any, location: str, **extra: Any) -> Payload:
    """Archive a frame as Parquet under its canonical hash."""
    key = frame_hash(frame)
    if blobs.exists(key):  # archived before: nothing to encode
        return Payload(key, blobs.path(key).stat().st_size, location, {"rows": len(frame), **extra})
    buffer = io.BytesIO()
    frame.set_axis([str(c) for c in frame.columns], axis=1).to_parquet(buffer, engine="pyarrow")
    ref = blobs.put_keyed(key, buffer.getbuffer())
    return Payload(key, ref.size, location, {"rows": len(frame), **extra})


def archived_frame(blobs: BlobStore, spec: NodeSpec, content_hash: str) -> Any:
    """The frame archived under ``content_hash``, as the node's exposed type."""
    import pandas as pd

    try:
        data = blobs.get(content_hash)
    except LedgerflowError as error:
        raise DataNodeReadingError(f"{where(spec)}: its value {content_hash[:12]}… is not kept: {error}") from error
    return exposed_value(spec, pd.read_parquet(io.BytesIO(unframe(data)), engine="pyarrow"))
