"""Differences between two serialized configs, in Taipy's grammar.

``<SECTION> "<id>" has attribute "<attr>" added: <v> | removed | modified: <old> -> <new>``,
``<SECTION> "<id>" was added: <v> | was removed`` for whole sections, and
``<SECTION> "<attr>" was ...`` for the unique sections (JOB, CORE, GLOBAL_APP). Migration functions
read ``VERSION_MIGRATION "<version>" has attribute "<config id>" ...``.

JOB, CORE and VERSION_MIGRATION changes are not conflicts: they do not change what existing
entities mean. Lists whose order carries no meaning (a scenario's tasks, additional data nodes,
sequences and comparators; ``tags``/``authorized_tags``) are compared as sets of items.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ledgerflow.domain.config.codec import MIGRATION_KEY
from ledgerflow.domain.config.layer import (
    CORE,
    DATA_NODE,
    GLOBAL_APP,
    JOB,
    SCENARIO,
    TASK,
    VERSION_MIGRATION,
)

UNCONFLICTED_SECTIONS = frozenset({JOB, CORE, VERSION_MIGRATION})
_KEYED = (DATA_NODE, TASK, SCENARIO, VERSION_MIGRATION)
_UNIQUE = (GLOBAL_APP, JOB, CORE)
_SECTION_RANK = {name: rank for rank, name in enumerate((*_KEYED[:3], *_UNIQUE, VERSION_MIGRATION))}
_CHANGE_RANK = {"added": 0, "removed": 1, "modified": 2}
_UNORDERED_SCENARIO_KEYS = frozenset({"tasks", "additional_data_nodes"})
_UNORDERED_TABLES = frozenset({"sequences", "comparators"})
_UNORDERED_PROPERTIES = frozenset({"tags", "authorized_tags"})


@dataclass(frozen=True)
class ConfigDifference:
    """One difference: a whole section (``attribute`` None) or one attribute added, removed
    or modified. ``config_id`` is None in the unique sections."""

    section: str
    config_id: str | None
    attribute: str | None
    change: str
    old_value: Any = None
    new_value: Any = None

    @property
    def is_conflict(self) -> bool:
        """True when existing entities may no longer match the new config."""
        return self.section not in UNCONFLICTED_SECTIONS

    @property
    def message(self) -> str:
        """The line Taipy prints for this difference."""
        if self.change == "added":
            tail = f"added: {_render(self.new_value)}"
        elif self.change == "removed":
            tail = "removed"
        else:
            tail = f"modified: {_render(self.old_value)} -> {_render(self.new_value)}"
        if self.config_id is None:
            return f'{self.section} "{self.attribute}" was {tail}'
        if self.attribute is None:
            return f'{self.section} "{self.config_id}" was {tail}'
        return f'{self.section} "{self.config_id}" has attribute "{self.attribute}" {tail}'

    def __str__(self) -> str:
        return self.message


def config_diff(old: dict[str, Any], new: dict[str, Any]) -> list[ConfigDifference]:
    """Every difference from ``old`` to ``new`` (two ``Config.serialize()`` documents)."""
    found: list[ConfigDifference] = []
    for section in _KEYED:
        old_sections, new_sections = _keyed(old, section), _keyed(new, section)
        for cid in old_sections.keys() | new_sections.keys():
            if cid not in old_sections:
                found.append(ConfigDifference(section, cid, None, "added", None, new_sections[cid]))
            elif cid not in new_sections:
                found.append(ConfigDifference(section, cid, None, "removed", old_sections[cid]))
            else:
                found += _attributes(section, cid, old_sections[cid], new_sections[cid])
    for section in _UNIQUE:
        found += _attributes(section, None, old.get(section, {}), new.get(section, {}))
    return sorted(found, key=_order)


def _keyed(document: dict[str, Any], section: str) -> dict[str, Any]:
    if section == VERSION_MIGRATION:
        return dict(document.get(section, {}).get(MIGRATION_KEY, {}))
    return dict(document.get(section, {}))


def _attributes(section: str, cid: str | None, old: dict[str, Any], new: dict[str, Any]) -> list[ConfigDifference]:
    found = []
    for attribute in old.keys() | new.keys():
        if attribute not in old:
            found.append(ConfigDifference(section, cid, attribute, "added", None, new[attribute]))
        elif attribute not in new:
            found.append(ConfigDifference(section, cid, attribute, "removed", old[attribute]))
        elif _canonical(section, attribute, old[attribute]) != _canonical(section, attribute, new[attribute]):
            found.append(ConfigDifference(section, cid, attribute, "modified", old[attribute], new[attribute]))
    return found


def _canonical(section: str, attribute: str, value: Any) -> Any:
    if not (section == SCENARIO or attribute in _UNORDERED_PROPERTIES):
        return value
    if attribute in _UNORDERED_TABLES and isinstance(value, dict):
        return {key: _as_set(items) for key, items in value.items()}
    if attribute in _UNORDERED_SCENARIO_KEYS | _UNORDERED_PROPERTIES:
        return _as_set(value)
    return value


def _as_set(value: Any) -> Any:
    return sorted(map(repr, value)) if isinstance(value, list) else value


def _render(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _order(difference: ConfigDifference) -> tuple[int, int, str, int, str]:
    return (
        _CHANGE_RANK[difference.change],
        _SECTION_RANK[difference.section],
        difference.config_id or "",
        0 if difference.attribute is None else 1,
        difference.attribute or "",
    )
