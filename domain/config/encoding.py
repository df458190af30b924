"""Taipy's typed-value encoding of config values as strings (``"5:int"``, ``"GLOBAL:SCOPE"``...).

TOML files and ``Config.serialize()`` hold only strings, lists and tables; every other scalar is
written as ``"<text>:<type>"``. Strings are written as they are, unless they end with one of these
type suffixes: then ``":str"`` is appended so they read back unchanged. ``ENV[...]`` templates are
always kept as written.
"""

from __future__ import annotations

import inspect
import os
import re
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from ledgerflow.domain.config.functions import ImportReference, function_reference, resolve_function
from ledgerflow.domain.config.templates import is_template
from ledgerflow.domain.enums import Frequency, Scope
from ledgerflow.domain.errors import ConfigurationError, LoadingError

_TYPED = re.compile(
    r"^(?P<text>.*):(?P<type>int|bool|float|str|SCOPE|FREQUENCY|timedelta|datetime|function"
    r"|class|SECTION|NoneType)$",
    re.DOTALL,
)
_TIMEDELTA = re.compile(r"^((?P<d>-?\d+)d)?((?P<h>\d+)h)?((?P<m>\d+)m)?((?P<s>\d+(\.\d+)?)s)?$")


class UnencodableValue(ConfigurationError):
    """A config value has no text form, so it cannot be written to a TOML file."""


def encode_value(value: Any, *, strict: bool) -> Any:
    """The typed-string form of ``value``; ``strict=False`` names unknown objects by type."""
    if value is None:
        return "None:NoneType"
    if isinstance(value, str):
        return value if is_template(value) or not _TYPED.match(value) else f"{value}:str"
    if isinstance(value, os.PathLike):
        return encode_value(os.fspath(value), strict=strict)
    if isinstance(value, bool):
        return f"{value}:bool"
    if isinstance(value, Scope):
        return f"{value.name}:SCOPE"
    if isinstance(value, Frequency):
        return f"{value.name}:FREQUENCY"
    if isinstance(value, int) and not isinstance(value, Enum):
        return f"{value}:int"
    if isinstance(value, float):
        return f"{value!r}:float"
    if isinstance(value, datetime):
        return f"{value.isoformat()}:datetime"
    if isinstance(value, timedelta):
        return f"{timedelta_to_text(value)}:timedelta"
    if isinstance(value, ImportReference):
        return f"{value.reference}:{value.kind}"
    if inspect.isclass(value):
        return f"{function_reference(value)}:class"
    if inspect.isfunction(value) or inspect.isbuiltin(value):
        return f"{function_reference(value)}:function"
    if isinstance(value, dict):
        return {str(key): encode_value(item, strict=strict) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode_value(item, strict=strict) for item in value]
    if strict:
        raise UnencodableValue(
            f"A {type(value).__name__} value cannot be written to a TOML file: "
            "use strings, numbers, booleans, dates, lists, dicts or module-level functions."
        )
    return f"{type(value).__module__}.{type(value).__qualname__}:object"


def decode_value(value: Any, *, lazy: bool) -> Any:
    """The value written as ``value``; ``lazy=True`` keeps functions and classes as references."""
    if isinstance(value, list):
        return [decode_value(item, lazy=lazy) for item in value]
    if isinstance(value, dict):
        return {key: decode_value(item, lazy=lazy) for key, item in value.items()}
    if not isinstance(value, str) or is_template(value):
        return value
    match = _TYPED.match(value)
    if match is None:
        return value
    text, kind = match.group("text"), match.group("type")
    try:
        return _decode_typed(text, kind, lazy)
    except (ValueError, KeyError):
        raise LoadingError(f'"{value}" is not a valid {kind} value.') from None


def _decode_typed(text: str, kind: str, lazy: bool) -> Any:
    if kind in ("str", "SECTION"):
        return text
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        return {"True": True, "False": False, "true": True, "false": False}[text]
    if kind == "SCOPE":
        return Scope[text]
    if kind == "FREQUENCY":
        return Frequency[text]
    if kind == "datetime":
        return datetime.fromisoformat(text)
    if kind == "timedelta":
        return text_to_timedelta(text)
    if kind in ("function", "class"):
        return ImportReference(text, kind) if lazy else resolve_function(text)
    if text != "None":
        raise ValueError(text)
    return None


def timedelta_to_text(value: timedelta) -> str:
    """``1d0h0m0s`` form of a timedelta (fractions of a second are kept)."""
    seconds = value.seconds % 60
    micro = value.microseconds
    seconds_text = f"{seconds}.{micro:06d}".rstrip("0") if micro else str(seconds)
    return f"{value.days}d{value.seconds // 3600}h{(value.seconds // 60) % 60}m{seconds_text}s"


def text_to_timedelta(text: str) -> timedelta:
    """Parse the ``1d0h0m0s`` form of a timedelta."""
    match = _TIMEDELTA.match(text)
    if match is None or not text:
        raise ValueError(text)
    parts = {name: float(part) for name, part in match.groupdict().items() if part}
    return timedelta(
        days=parts.get("d", 0),
        hours=parts.get("h", 0),
        minutes=parts.get("m", 0),
        seconds=parts.get("s", 0),
    )
