"""Checkpoint parts as plain JSON data: reading one can build only the projection's own types.

Each field of ``CurrentState`` is written by a codec derived from its type annotation: a view
becomes the list of its field values, a datetime its ISO text, an enum its number, a set a sorted
list. Values typed ``Any`` (properties, configs, callback parameters) are JSON with the few types
JSON lacks tagged ``{"_type_": ..., "_data_": ...}``, as in the event store. Decoding checks every
value against the annotation and raises ``ShapeError`` on anything else, so a damaged or forged
part can lead only to a fold from the log, never to code running or to objects of other types.
"""

from __future__ import annotations

import base64
import types
import typing
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import IntEnum
from functools import cache
from typing import Any

import orjson

from ledgerflow.projections.edit_history import Edit, EditHistory

__all__ = ["ShapeError", "decode_field", "encode_field"]

Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]
_TAG = b'"_type_"'


class ShapeError(ValueError):
    """A checkpoint part does not have the shape of the field it claims to hold."""


def _expect(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
        raise ShapeError(f"expected {what}, found {type(value).__name__}")
    return value


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


# -- values typed Any: JSON, with tags for the types JSON lacks ----------------------------------


def _tag_default(obj: Any) -> Any:
    if isinstance(obj, datetime):
        return {"_type_": "datetime", "_data_": obj.isoformat()}
    if isinstance(obj, date):
        return {"_type_": "date", "_data_": obj.isoformat()}
    if isinstance(obj, time):
        return {"_type_": "time", "_data_": obj.isoformat()}
    if isinstance(obj, timedelta):
        return {"_type_": "timedelta", "_data_": [obj.days, obj.seconds, obj.microseconds]}
    if isinstance(obj, bytes):
        return {"_type_": "bytes", "_data_": base64.b64encode(obj).decode("ascii")}
    if isinstance(obj, Decimal):
        return {"_type_": "decimal", "_data_": str(obj)}
    raise TypeError(f"A checkpoint cannot hold a value of type {type(obj).__qualname__}")


_UNTAG: dict[str, Callable[[Any], Any]] = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda d: timedelta(days=d[0], seconds=d[1], microseconds=d[2]),
    "bytes": base64.b64decode,
    "decimal": Decimal,
}


def _revive(obj: Any) -> Any:
    if isinstance(obj, dict):
        if len(obj) == 2 and "_type_" in obj and "_data_" in obj and obj["_type_"] in _UNTAG:
            try:
                return _UNTAG[obj["_type_"]](obj["_data_"])
            except (TypeError, ValueError, IndexError, ArithmeticError) as error:
                raise ShapeError(f"a tagged {obj['_type_']} cannot be read: {error}") from None
        return {key: _revive(value) for key, value in obj.items()}
    if isinstance(obj, list):
        return [_revive(value) for value in obj]
    return obj


# -- codecs derived from annotations --------------------------------------------------------------


def _identity(value: Any) -> Any:
    return value


def _scalar(kind: type | tuple[type, ...], what: str) -> tuple[Encode, Decode]:
    return _identity, lambda v: _expect(v, kind, what)


def _datetime_decode(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(_expect(value, str, "a datetime"))
    except ValueError as error:
        raise ShapeError(str(error)) from None


def _enum(cls: type[IntEnum]) -> tuple[Encode, Decode]:
    members = cls._value2member_map_

    def decode(value: Any) -> IntEnum:
        member = members.get(value) if type(value) is int else None
        if member is None:
            raise ShapeError(f"{value!r} is not a {cls.__name__}")
        return member  # type: ignore[return-value]

    return int, decode


def _optional(inner: tuple[Encode, Decode]) -> tuple[Encode, Decode]:
    encode, decode = inner
    return (lambda v: None if v is None else encode(v)), (lambda v: None if v is None else decode(v))


def _list(inner: tuple[Encode, Decode], *, as_set: bool = False, kind: type | None = None) -> tuple[Encode, Decode]:
    encode, decode = inner
    build: Callable[[Any], Any] = set if as_set else list
    if kind is not None:  # a list of texts or integers: checked without a call per item

        def scalars(v: Any) -> Any:
            if type(v) is not list or not all(type(x) is kind for x in v):
                raise ShapeError(f"expected a list of {kind.__name__}")
            return build(v)

        return (sorted if as_set else list), scalars
    if encode is _identity:
        return (sorted if as_set else list), lambda v: build(map(decode, _expect(v, list, "a list")))
    return (
        lambda v: [encode(x) for x in (sorted(v) if as_set else v)],
        lambda v: build(map(decode, _expect(v, list, "a list"))),
    )


def _dict(inner: tuple[Encode, Decode]) -> tuple[Encode, Decode]:
    encode, decode = inner
    return (
        lambda v: {_expect(k, str, "a text key"): encode(x) for k, x in v.items()},
        lambda v: {k: decode(x) for k, x in _expect(v, dict, "an object").items()},
    )


#: Annotations whose values JSON gives as they are: checked inline, by exact type (bool is no int).
_SCALARS: dict[Any, str] = {
    str: "type({v}) is str",
    int: "type({v}) is int",
    bool: "type({v}) is bool",
    float: "type({v}) in (int, float)",
}
_ONLY = {str: {str}, int: {int}}  # the set of item types of a list of texts, of integers


def _optional_of(annotation: Any) -> Any:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        return args[0] if args[1] is type(None) else args[1]
    return None


def _inline(annotation: Any, tagged: bool, v: str, names: dict[str, Any]) -> tuple[str | None, str] | None:
    """(a test, the argument) decoding the value named ``v`` of ``annotation`` in generated code; None
    if it needs its decoder. Anything that raises there (KeyError, ValueError) means a wrong shape."""
    if annotation in _SCALARS:
        return _SCALARS[annotation].format(v=v), v
    if annotation is Any and not tagged:
        return None, v
    if annotation is datetime:
        names["fromisoformat"] = datetime.fromisoformat
        return f"type({v}) is str", f"fromisoformat({v})"
    inner = _optional_of(annotation)
    if inner in _SCALARS:
        return f"({v} is None or {_SCALARS[inner].format(v=v)})", v
    if inner is datetime:
        names["fromisoformat"] = datetime.fromisoformat
        return f"({v} is None or type({v}) is str)", f"(None if {v} is None else fromisoformat({v}))"
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (list, set) and args[0] in _ONLY:
        names[f"only_{args[0].__name__}"] = _ONLY[args[0]]
        check = f"type({v}) is list and (not {v} or set(map(type, {v})) == only_{args[0].__name__})"
        return check, (f"set({v})" if origin is set else v)
    if origin is dict and args == (str, Any) and not tagged:
        return f"type({v}) is dict", v
    if isinstance(annotation, type) and issubclass(annotation, IntEnum):
        names[f"members_{annotation.__name__}"] = annotation._value2member_map_
        return f"type({v}) is int", f"members_{annotation.__name__}[{v}]"
    return None


def _dataclass(cls: type[Any], tagged: bool) -> tuple[Encode, Decode]:
    """Views as the list of their field values; the decoder is generated from the annotations (one
    function per class, checks inline: a start-up decodes tens of thousands of views)."""
    names = [f.name for f in fields(cls)]
    hints = typing.get_type_hints(cls, localns=annotation_names())
    codecs = [codec_of(hints[name], tagged) for name in names]
    encoders = [c[0] for c in codecs]
    namespace: dict[str, Any] = {"cls": cls, "ShapeError": ShapeError}
    checks, arguments = [], []
    for index, name in enumerate(names):
        value = f"a{index}"
        inline = _inline(hints[name], tagged, value, namespace)
        if inline is None:
            namespace[f"d{index}"] = codecs[index][1]
            arguments.append(f"d{index}({value})")
            continue
        check, argument = inline
        if check is not None:
            checks.append(check)
        arguments.append(argument)
    count = len(names)
    unpack = ", ".join(f"a{i}" for i in range(count)) + ","
    source = "\n".join(
        [
            "def decode(row):",
            f"    if type(row) is not list or len(row) != {count}:",
            f"        raise ShapeError('expected a {cls.__name__} of {count} fields')",
            f"    {unpack} = row",
            *(
                [
                    f"    if not ({' and '.join(checks)}):",
                    f"        raise ShapeError('a field of a {cls.__name__} has the wrong type')",
                ]
                if checks
                else []
            ),
            f"    return cls({', '.join(arguments)})",
        ]
    )
    exec(compile(source, f"<checkpoint decoder of {cls.__name__}>", "exec"), namespace)  # our source, not data

    def encode(view: Any) -> list[Any]:
        return [enc(getattr(view, name)) for enc, name in zip(encoders, names, strict=True)]

    return encode, namespace["decode"]


def _edit_history(tagged: bool) -> tuple[Encode, Decode]:
    """A node's writes as ``[count, [last writes...]]``; a list of every write (checkpoints before
    the writes were bounded) is read too."""
    encode_edit, decode_edit = codec_of(Edit, tagged)

    def decode(value: Any) -> EditHistory:
        _expect(value, list, "a node's writes")
        if len(value) == 2 and type(value[0]) is int:
            count, recent = value[0], [decode_edit(row) for row in _expect(value[1], list, "a list of writes")]
            if count < len(recent):
                raise ShapeError(f"a node's writes count {count} but hold {len(recent)}")
            return EditHistory(count, recent)
        every = [decode_edit(row) for row in value]
        return EditHistory(len(every), every)

    return (lambda history: history.to_plain(encode_edit)), decode


@cache
def annotation_names() -> dict[str, Any]:
    """Names the projection's annotations use but its modules import only for type checking."""
    from ledgerflow.projections.views import Subscriber

    return {"Subscriber": Subscriber}


@cache
def codec_of(annotation: Any, tagged: bool = False) -> tuple[Encode, Decode]:
    """The (encode, decode) pair of values of ``annotation`` (``tagged``: the data holds tagged values)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is Any:
        return _identity, (_revive if tagged else _identity)
    if origin in (types.UnionType, typing.Union):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2:
            return _optional(codec_of(rest[0], tagged))
        raise TypeError(f"No checkpoint codec for {annotation}")
    if origin in (list, set):
        kind = args[0] if args[0] in (str, int) else None
        return _list(codec_of(args[0], tagged), as_set=origin is set, kind=kind)
    if origin is dict and args[0] is str:
        return _dict(codec_of(args[1], tagged))
    if annotation is bool:
        return _scalar(bool, "a boolean")
    if annotation is int:
        return _scalar(int, "an integer")
    if annotation is float:
        return _scalar((int, float), "a number")
    if annotation is str:
        return _scalar(str, "a text")
    if annotation is bytearray:  # packed ids (projections/archive.py)
        return (lambda v: base64.b64encode(v).decode("ascii")), (lambda v: bytearray(base64.b64decode(v)))
    if annotation is datetime:
        return (lambda v: v.isoformat()), _datetime_decode
    if annotation is EditHistory:
        return _edit_history(tagged)
    if isinstance(annotation, type) and issubclass(annotation, IntEnum):
        return _enum(annotation)
    if isinstance(annotation, type) and is_dataclass(annotation):
        return _dataclass(annotation, tagged)
    raise TypeError(f"No checkpoint codec for {annotation}")


def encode_field(annotation: Any, value: Any) -> bytes:
    """A field's value as JSON bytes."""
    return orjson.dumps(codec_of(annotation)[0](value), default=_tag_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def decode_field(annotation: Any, data: bytes) -> Any:
    """The value ``encode_field`` wrote; ``ShapeError`` if ``data`` is not one of that type."""
    try:
        plain = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise ShapeError(f"not JSON: {error}") from None
    try:
        return codec_of(annotation, _TAG in data)[1](plain)
    except ShapeError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError) as error:
        raise ShapeError(f"{type(error).__name__}: {error}") from None
