"""Config ids: valid Python identifiers, because entities expose their children as attributes."""

from __future__ import annotations

import keyword

from ledgerflow.domain.config.layer import DEFAULT_ID
from ledgerflow.domain.errors import ConfigurationError, InvalidConfigurationId

LABELS = {"DATA_NODE": "DataNode", "TASK": "Task", "SCENARIO": "Scenario"}


def validate_id(kind: str, config_id: object) -> str:
    """``config_id`` if it can name a config of ``kind``; a ``ConfigurationError`` otherwise."""
    label = LABELS.get(kind, kind)
    if not isinstance(config_id, str) or not config_id.isidentifier() or keyword.iskeyword(config_id):
        raise InvalidConfigurationId(
            f'{label} id "{config_id}" is not a valid Python identifier: use letters, digits and '
            'underscores, not starting with a digit (for example "sales_2024").'
        )
    if config_id == DEFAULT_ID:
        raise ConfigurationError(
            f'"{DEFAULT_ID}" is the id of the default {label} configuration: pick another id, or '
            f"use Config.set_default_{kind.lower()}_configuration(...) to change the defaults."
        )
    return config_id
