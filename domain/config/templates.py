"""``ENV[NAME]`` templates: settings taken from environment variables when they are read.

A template is kept as written everywhere it is stored (layers, TOML files, ``Config.serialize()``,
the event log), so secrets never leave the environment; it is resolved only when a value is read.
"""

from __future__ import annotations

import re
from typing import Any

from ledgerflow.domain import ports
from ledgerflow.domain.errors import InconsistentEnvVariableError, MissingEnvVariableError

TEMPLATE_PATTERN = re.compile(r"^ENV\[([A-Za-z_]\w*)\](:(bool|str|float|int))?$")

_TRUE = frozenset({"true", "1", "yes", "y", "t", "on"})
_FALSE = frozenset({"false", "0", "no", "n", "f", "off"})


def is_template(value: object) -> bool:
    """True when ``value`` is a string written as an ``ENV[...]`` template (well formed or not)."""
    return isinstance(value, str) and value.startswith("ENV[")


def resolve(value: Any) -> Any:
    """Replace every template in ``value`` (recursively in lists, tuples and dicts) by its value."""
    if isinstance(value, str):
        return _resolve_text(value) if is_template(value) else value
    if isinstance(value, list):
        return [resolve(item) for item in value]
    if isinstance(value, tuple):
        return tuple(resolve(item) for item in value)
    if isinstance(value, dict):
        return {key: resolve(item) for key, item in value.items()}
    return value


def _resolve_text(text: str) -> Any:
    match = TEMPLATE_PATTERN.match(text)
    if match is None:
        raise InconsistentEnvVariableError(
            f'"{text}" is not a valid ENV template: write ENV[NAME] or ENV[NAME]:bool, :str, '
            ":float or :int, where NAME is a valid environment variable name."
        )
    name, wanted = match.group(1), match.group(3) or "str"
    raw = ports.environment.get(name)
    if raw is None:
        raise MissingEnvVariableError(f"Environment variable {name} is not set.")
    return convert_text(f"Environment variable {name}", raw, wanted)


def convert_text(name: str, raw: str, wanted: str) -> Any:
    """``raw``, the text of setting ``name``, as a ``wanted`` (bool, str, float or int)."""
    try:
        if wanted == "int":
            return int(raw)
        if wanted == "float":
            return float(raw)
    except ValueError:
        raise InconsistentEnvVariableError(
            f'{name}="{raw}" is not a valid {wanted}: set it to a {wanted} or change its type.'
        ) from None
    if wanted == "bool":
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise InconsistentEnvVariableError(f'{name}="{raw}" is not a valid bool: set it to true or false.')
    return raw
