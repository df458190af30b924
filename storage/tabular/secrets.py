"""Node properties with ``ENV[...]`` templates resolved at use, and errors that never show a secret."""

from __future__ import annotations

from typing import Any

from ledgerflow.domain.config.templates import resolve
from ledgerflow.storage.node_spec import NodeSpec

#: Properties whose resolved values are hidden from every message.
SECRET_PROPERTIES = ("db_password", "aws_access_key", "aws_secret_access_key", "db_extra_args")


def prop(spec: NodeSpec, name: str, default: Any = None) -> Any:
    """A property with its templates resolved (``default`` when unset)."""
    value = resolve(spec.properties.get(name))
    return default if value is None else value


def scrub(spec: NodeSpec, text: str) -> str:
    """``text`` with every resolved secret of the node replaced by ``***``."""
    for name in SECRET_PROPERTIES:
        try:
            value = prop(spec, name)
        except Exception:
            continue
        values = value.values() if isinstance(value, dict) else [value]
        for secret in values:
            if isinstance(secret, str | int) and len(str(secret)) >= 3:
                text = text.replace(str(secret), "***")
    return text
