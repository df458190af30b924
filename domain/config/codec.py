"""A layer as a TOML document (nested tables of typed strings) and back.

Tables: ``[GLOBAL_APP]`` (``[TAIPY]`` is read as a synonym), ``[JOB]``, ``[CORE]``,
``[VERSION_MIGRATION.migration_fcts."<version>"]``, ``[DATA_NODE.<id>]``, ``[TASK.<id>]``,
``[SCENARIO.<id>]`` with ``comparators`` and ``sequences`` sub-tables. References to other
sections are written ``"<id>:SECTION"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ledgerflow.domain.config.encoding import decode_value, encode_value
from ledgerflow.domain.config.layer import (
    DEFAULT_ID,
    KEYED_SECTIONS,
    REFERENCE_KEYS,
    STRUCTURE_KEYS,
    UNIQUE_SECTIONS,
    VERSION_MIGRATION,
    Layer,
)
from ledgerflow.domain.errors import ConfigurationError, LoadingError

_SYNONYMS = {"TAIPY": "GLOBAL_APP"}
MIGRATION_KEY = "migration_fcts"


def layer_to_document(layer: Layer, *, strict: bool) -> dict[str, Any]:
    """The TOML document of ``layer``; ``strict`` refuses values that cannot be read back."""
    document: dict[str, Any] = {}
    for kind in UNIQUE_SECTIONS:
        if layer.unique[kind]:
            document[kind] = _encode_section(kind, kind, layer.unique[kind], strict)
    if layer.migrations:
        document[VERSION_MIGRATION] = {
            MIGRATION_KEY: {
                version: {cid: encode_value(fn, strict=strict) for cid, fn in fns.items()}
                for version, fns in layer.migrations.items()
            }
        }
    for kind in KEYED_SECTIONS:
        entries = layer.sections[kind]
        ids = sorted(entries, key=lambda cid: (cid != DEFAULT_ID, cid))
        if ids:
            document[kind] = {cid: _encode_section(kind, cid, entries[cid], strict) for cid in ids}
    return document


def serialize_layer(layer: Layer) -> dict[str, Any]:
    """The JSON-safe, key-sorted document of ``layer`` (unknown objects are named by type)."""
    document: dict[str, Any] = _sorted_deep(layer_to_document(layer, strict=False))
    return document


def document_to_layer(document: Mapping[str, Any], *, lazy: bool, source: str) -> Layer:
    """Read a document; ``lazy`` keeps functions as ``ImportReference``s instead of importing."""
    layer = Layer()
    for name, table in document.items():
        kind = _SYNONYMS.get(name, name)
        if not isinstance(table, Mapping):
            continue  # a key outside any table: ignored, as Taipy ignores it
        if kind in UNIQUE_SECTIONS:
            layer.unique[kind] = _decode_section(kind, kind, table, lazy, source)
        elif kind == VERSION_MIGRATION:
            for version, fns in dict(table.get(MIGRATION_KEY, {})).items():
                layer.migrations[str(version)] = {
                    cid: _decode(fn, lazy, f"{source}: [{kind}] {version}.{cid}") for cid, fn in fns.items()
                }
        elif kind in KEYED_SECTIONS:
            for cid, settings in table.items():
                if not isinstance(settings, Mapping) or not cid.isidentifier():
                    raise LoadingError(f"{source}: [{kind}.{cid}] must be a table named by a Python identifier.")
                layer.sections[kind][cid] = _decode_section(kind, cid, settings, lazy, source)
        else:
            raise LoadingError(
                f"{source}: unknown table [{name}]; the tables are GLOBAL_APP, JOB, CORE, "
                "VERSION_MIGRATION, DATA_NODE, TASK and SCENARIO."
            )
    return layer


def _ordered_keys(kind: str, settings: Mapping[str, Any]) -> list[str]:
    structure = STRUCTURE_KEYS.get(kind, ())
    return [key for key in structure if key in settings] + sorted(key for key in settings if key not in structure)


def _encode_section(kind: str, cid: str, settings: Mapping[str, Any], strict: bool) -> Any:
    encoded: dict[str, Any] = {}
    references = REFERENCE_KEYS.get(kind, {})
    for key in _ordered_keys(kind, settings):
        value = settings[key]
        if value is None:
            continue
        try:
            encoded[key] = _encode_references(value) if key in references else encode_value(value, strict=strict)
        except ConfigurationError as error:
            raise type(error)(f'{kind} "{cid}", setting "{key}": {error}') from None
    return encoded


def _encode_references(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: _encode_references(ids) for name, ids in value.items()}
    return [f"{cid}:SECTION" for cid in value]


def _decode_section(kind: str, cid: str, settings: Mapping[str, Any], lazy: bool, source: str) -> dict[str, Any]:
    references = REFERENCE_KEYS.get(kind, {})
    decoded: dict[str, Any] = {}
    for key, value in settings.items():
        where = f"{source}: [{kind}.{cid}] {key}" if kind not in UNIQUE_SECTIONS else f"{source}: [{kind}] {key}"
        if key in references:
            decoded[key] = _decode_references(value, where)
        elif key == "comparators" and isinstance(value, Mapping):
            decoded[key] = {dn_id: _as_list(_decode(fns, lazy, where)) for dn_id, fns in value.items()}
        else:
            decoded[key] = _decode(value, lazy, where)
    return decoded


def _decode_references(value: Any, where: str) -> Any:
    if isinstance(value, Mapping):
        return {name: _decode_references(ids, where) for name, ids in value.items()}
    ids = _as_list(value)
    if not all(isinstance(ref, str) for ref in ids):
        raise LoadingError(f'{where}: expected section references such as "my_input:SECTION".')
    return [ref.removesuffix(":SECTION") for ref in ids]


def _decode(value: Any, lazy: bool, where: str) -> Any:
    try:
        return decode_value(value, lazy=lazy)
    except ConfigurationError as error:
        raise LoadingError(f"{where}: {error}") from None


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _sorted_deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted_deep(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_deep(item) for item in value]
    return value
