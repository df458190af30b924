"""The csv, excel and parquet file formats (Taipy's properties and defaults)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ledgerflow.domain.errors import DataNodeReadingError, DataNodeWritingError
from ledgerflow.domain.filters import Condition, JoinOperator, Operator
from ledgerflow.storage.node_spec import NodeSpec, user_path
from ledgerflow.storage.tabular.extras import need
from ledgerflow.storage.tabular.files import FileBackend, Source, concat, exposed_value, replace_folder
from ledgerflow.storage.tabular.filtering import filter_value
from ledgerflow.storage.tabular.frames import frame_hash, pandas, sheets_hash, to_frame, where


class CsvBackend(FileBackend):
    """``encoding`` (utf-8), ``has_header`` (True); the index is not stored."""

    extension = "csv"

    def prepare(self, spec: NodeSpec, value: Any) -> Any:
        return to_frame(spec, value).reset_index(drop=True)

    def encode(self, spec: NodeSpec, stored: Any) -> bytes:
        text = stored.to_csv(index=False, header=_has_header(spec))
        return str(text).encode(spec.properties.get("encoding") or "utf-8")

    def decode(self, spec: NodeSpec, source: Source) -> Any:
        pd = pandas(spec)
        try:
            return pd.read_csv(
                source, encoding=spec.properties.get("encoding") or "utf-8", header=0 if _has_header(spec) else None
            )
        except pd.errors.EmptyDataError:
            return pd.DataFrame()


class ExcelBackend(FileBackend):
    """``sheet_name`` (None: every sheet, read as a dict), ``has_header`` (True)."""

    extension = "xlsx"

    def prepare(self, spec: NodeSpec, value: Any) -> Any:
        pd = pandas(spec)
        if isinstance(value, dict) and value and all(isinstance(v, pd.DataFrame) for v in value.values()):
            return {str(name): frame.reset_index(drop=True) for name, frame in value.items()}  # one per sheet
        return to_frame(spec, value).reset_index(drop=True)

    def content_hash(self, stored: Any) -> str:
        return sheets_hash(stored) if isinstance(stored, dict) else frame_hash(stored)

    def encode(self, spec: NodeSpec, stored: Any) -> bytes:
        pd = pandas(spec)
        need("openpyxl", spec.storage_type)
        sheets = stored if isinstance(stored, dict) else {_single_sheet(spec): stored}
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            for name, frame in sheets.items():
                frame.to_excel(writer, sheet_name=name, index=False, header=_has_header(spec))
        return buffer.getvalue()

    def decode(self, spec: NodeSpec, source: Source) -> Any:
        pd = pandas(spec)
        need("openpyxl", spec.storage_type)
        wanted = _sheet_names(spec)
        with pd.ExcelFile(source, engine="openpyxl") as book:
            names = [str(n) for n in book.sheet_names]
            missing = [n for n in ([wanted] if isinstance(wanted, str) else wanted or []) if n not in names]
            if missing:
                raise DataNodeReadingError(f"{where(spec)}: the workbook has no sheet {missing[0]!r} (it has {names}).")
            header = 0 if _has_header(spec) else None
            if isinstance(wanted, str):
                return pd.read_excel(book, sheet_name=wanted, header=header)
            return {name: pd.read_excel(book, sheet_name=name, header=header) for name in (wanted or names)}

    def combine(self, spec: NodeSpec, current: Any, new: Any) -> Any:
        if isinstance(current, dict):
            additions = new if isinstance(new, dict) else {next(iter(current)): new}
            unknown = [n for n in additions if n not in current]
            if unknown:
                raise DataNodeWritingError(
                    f"{where(spec)}: cannot append to sheet {unknown[0]!r}, which does not exist."
                )
            return {n: concat(spec, f, additions[n]) if n in additions else f for n, f in current.items()}
        return concat(spec, current, new)


class ParquetBackend(FileBackend):
    """``engine`` (pyarrow), ``compression`` (snappy), ``read_kwargs``, ``write_kwargs``; a folder when partitioned."""

    extension = "parquet"

    def prepare(self, spec: NodeSpec, value: Any) -> Any:
        _check_options(spec)
        frame = to_frame(spec, value)
        if not all(isinstance(c, str) for c in frame.columns):
            frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
        return frame

    def encode(self, spec: NodeSpec, stored: Any) -> bytes:
        engine, compression = _check_options(spec)
        kwargs = {k: v for k, v in dict(spec.properties.get("write_kwargs") or {}).items() if k != "partition_cols"}
        buffer = io.BytesIO()
        stored.to_parquet(buffer, engine=engine, compression=compression, **kwargs)
        return buffer.getvalue()

    def place(self, spec: NodeSpec, path: Path, stored: Any, data: bytes) -> None:
        partitions = dict(spec.properties.get("write_kwargs") or {}).get("partition_cols")
        if not partitions and not path.is_dir():
            super().place(spec, path, stored, data)
            return
        engine, compression = _check_options(spec)
        kwargs = dict(spec.properties.get("write_kwargs") or {})
        replace_folder(path, lambda tmp: stored.to_parquet(tmp, engine=engine, compression=compression, **kwargs))

    def decode(self, spec: NodeSpec, source: Source) -> Any:
        engine, _ = _check_options(spec)
        need("pyarrow", spec.storage_type)
        return pandas(spec).read_parquet(source, engine=engine, **dict(spec.properties.get("read_kwargs") or {}))

    def filter(self, spec: NodeSpec, content_hash: str, conditions: list[Condition], join: JoinOperator) -> Any:
        """Only the matching rows, selected by pyarrow while reading (row groups and partitions skipped)."""
        path = user_path(spec)
        if path is None or not path.exists():
            return filter_value(self.read(spec, content_hash), conditions, join)
        engine, _ = _check_options(spec)
        clauses = [(str(column), _ARROW[operator], value) for column, value, operator in conditions]
        dnf = [clauses] if join is JoinOperator.AND else [[clause] for clause in clauses]
        kwargs = dict(spec.properties.get("read_kwargs") or {}) | {"filters": dnf}
        try:
            frame = pandas(spec).read_parquet(path, engine=engine, **kwargs)
        except Exception as error:
            raise DataNodeReadingError(f"{where(spec)} cannot filter {path}: {error}") from error
        return exposed_value(spec, frame)

    def adopt(self, spec: NodeSpec) -> Any:
        """The frame of a partitioned folder found at the node's path when it was created."""
        path = user_path(spec)
        return None if path is None else self.decode(spec, path)


def _has_header(spec: NodeSpec) -> bool:
    value = spec.properties.get("has_header")
    return True if value is None else bool(value)


def _sheet_names(spec: NodeSpec) -> Any:
    return spec.properties.get("sheet_name")


def _single_sheet(spec: NodeSpec) -> str:
    names = _sheet_names(spec)
    if isinstance(names, list | tuple):
        if len(names) != 1:
            raise DataNodeWritingError(
                f"{where(spec)}: one frame cannot be written to the {len(names)} sheets {list(names)}: "
                "write a dict of frames by sheet name."
            )
        return str(names[0])
    return str(names) if names else "Sheet1"


_ARROW = {
    Operator.EQUAL: "==",
    Operator.NOT_EQUAL: "!=",
    Operator.LESS_THAN: "<",
    Operator.LESS_OR_EQUAL: "<=",
    Operator.GREATER_THAN: ">",
    Operator.GREATER_OR_EQUAL: ">=",
}
_COMPRESSIONS = ("snappy", "gzip", "brotli", "zstd", "lz4", "none")


def _check_options(spec: NodeSpec) -> tuple[str, str | None]:
    engine = spec.properties.get("engine") or "pyarrow"
    compression = spec.properties.get("compression") or "snappy"
    if engine not in ("pyarrow", "fastparquet"):
        raise DataNodeWritingError(f'{where(spec)}: engine must be "pyarrow" or "fastparquet", not {engine!r}.')
    if compression not in _COMPRESSIONS:
        raise DataNodeWritingError(f"{where(spec)}: compression must be one of {', '.join(_COMPRESSIONS)}.")
    need(engine, spec.storage_type)
    return engine, None if compression == "none" else compression
