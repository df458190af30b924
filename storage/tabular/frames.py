"""DataFrames as values: conversions, exposed types and the canonical content hash.

The content hash of a frame is the sha256 of a versioned prefix, its schema (column names,
dtypes, index) and its columns' values (``pandas.util.hash_pandas_object`` for non-numeric
ones) — never of Parquet or Excel bytes, which change across library releases — so a frame
rewritten unchanged keeps its hash.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from typing import Any

from ledgerflow.domain.errors import DataNodeReadingError, DataNodeWritingError
from ledgerflow.storage.node_spec import NodeSpec
from ledgerflow.storage.tabular.extras import need

_PREFIX = b"ledgerflow-frame-v1|"


def pandas(spec: NodeSpec) -> Any:
    """The pandas module (or the one-line error naming the extra)."""
    return need("pandas", spec.storage_type)


def where(spec: NodeSpec) -> str:
    """How errors name a node."""
    return f'DataNode "{spec.config_id}" ({spec.id})'


def to_frame(spec: NodeSpec, value: Any) -> Any:
    """``value`` as a DataFrame: a frame, a Series, a numpy array, a list of dicts or objects, a dict of columns."""
    pd = pandas(spec)
    if isinstance(value, pd.DataFrame):
        return value
    if isinstance(value, pd.Series):
        return value.to_frame()
    try:
        objects = isinstance(value, list | tuple) and value and not isinstance(value[0], dict | list | tuple)
        if objects and hasattr(value[0], "__dict__"):
            return pd.DataFrame([vars(item) for item in value])
        if isinstance(value, list | tuple | dict) or type(value).__module__ == "numpy":
            return pd.DataFrame(value)
    except Exception as error:
        raise DataNodeWritingError(
            f"{where(spec)} cannot store this {type(value).__name__} as {spec.storage_type}: {error}. "
            "Its previous value is kept."
        ) from error
    raise DataNodeWritingError(
        f"{where(spec)} cannot store a {type(value).__name__} as {spec.storage_type}: give a DataFrame, "
        "a numpy array, or a list of rows. Its previous value is kept."
    )


def frame_hash(frame: Any) -> str:
    """The canonical content hash of a DataFrame (see the module docstring).

    A numeric column adds its values' bytes (its dtype is in the schema), which is what
    ``hash_pandas_object`` hashes too, without building a hash per row; any other column adds
    ``hash_pandas_object``'s row hashes. A RangeIndex is part of the schema.
    """
    import pandas as pd

    index = frame.index
    ranged = isinstance(index, pd.RangeIndex)
    schema = {
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(d) for d in frame.dtypes],
        "index": [str(index.dtype), [str(n) for n in index.names]],
        "range": [index.start, index.stop, index.step] if ranged else None,
    }
    digest = hashlib.sha256(_PREFIX + json.dumps(schema, sort_keys=True).encode() + b"|")
    try:
        if not ranged:
            digest.update(pd.util.hash_pandas_object(index, index=False).to_numpy().tobytes())
        for position in range(frame.shape[1]):
            column = frame.iloc[:, position]
            values = column.to_numpy() if column.dtype.kind in "biufcmM" else None
            if values is not None and values.flags.c_contiguous:
                digest.update(values.view("u1"))
            elif not _hash_strings(digest, column):
                digest.update(pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes())
    except TypeError:  # cells that pandas cannot hash (lists, dicts): their pickle
        digest.update(pickle.dumps(frame.to_dict("split"), protocol=5))
    return digest.hexdigest()


def _hash_strings(digest: Any, column: Any) -> bool:
    """Add an Arrow-backed string column without nulls: each value's length, then all the bytes."""
    import numpy as np

    if not hasattr(column.array, "__arrow_array__") or column.hasnans:
        return False
    chunked = column.array.__arrow_array__()
    if not hasattr(chunked, "chunks"):
        return False
    for chunk in chunked.chunks:
        kind = str(chunk.type)
        if kind not in ("string", "large_string") or len(chunk) == 0:
            if len(chunk):
                return False
            continue
        width = np.int64 if kind == "large_string" else np.int32
        offsets = np.frombuffer(chunk.buffers()[1], dtype=width)[chunk.offset : chunk.offset + len(chunk) + 1]
        digest.update(np.diff(offsets).astype(np.int64).view("u1"))
        digest.update(memoryview(chunk.buffers()[2])[int(offsets[0]) : int(offsets[-1])])
    return True


def sheets_hash(sheets: dict[str, Any]) -> str:
    """The canonical content hash of a workbook (a dict of frames by sheet name)."""
    digest = hashlib.sha256(b"ledgerflow-sheets-v1|")
    for name in sorted(sheets, key=str):
        digest.update(f"{name}|{frame_hash(sheets[name])}|".encode())
    return digest.hexdigest()


def exposed(spec: NodeSpec, frame: Any) -> Any:
    """The frame as the node's ``exposed_type``: pandas (default), numpy, or a list of the user's class."""
    kind = spec.properties.get("exposed_type") or "pandas"
    if kind == "pandas":
        return frame
    if kind == "numpy":
        return frame.to_numpy()
    if isinstance(kind, type):
        rows = frame.to_dict("records")
        try:
            return [kind(**{str(k): v for k, v in row.items()}) for row in rows]
        except TypeError as error:
            raise DataNodeReadingError(
                f"{where(spec)}: the columns {[str(c) for c in frame.columns]} do not fit its exposed_type "
                f"{kind.__name__}: {error}."
            ) from error
    raise DataNodeReadingError(f'{where(spec)}: exposed_type must be "pandas", "numpy" or a class, not {kind!r}.')
