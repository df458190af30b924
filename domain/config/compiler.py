"""Compile a merged layer into section objects: fold in the defaults, link the references.

Compiling again over a previous result refreshes its objects in place, so a config object a
user holds (and the references between configs) always shows the current settings.
"""

from __future__ import annotations

import os
from typing import Any, TypeVar

from pydantic import ValidationError

from ledgerflow.domain.config.applied import AppliedConfig
from ledgerflow.domain.config.data_node import DataNodeConfig
from ledgerflow.domain.config.layer import (
    CORE,
    DATA_NODE,
    DEFAULT_ID,
    GLOBAL_APP,
    JOB,
    SCENARIO,
    STRUCTURE_KEYS,
    TASK,
    Layer,
    merge_settings,
)
from ledgerflow.domain.config.scenario import ScenarioConfig
from ledgerflow.domain.config.section import Section, SectionOwner
from ledgerflow.domain.config.storage_types import OPTIONAL_DEFAULTS, PATH_PROPERTIES
from ledgerflow.domain.config.task import TaskConfig
from ledgerflow.domain.config.templates import is_template
from ledgerflow.domain.config.unique_sections import CoreConfig, GlobalAppConfig, JobConfig
from ledgerflow.domain.enums import Scope
from ledgerflow.domain.errors import ConfigurationError

S = TypeVar("S", bound=Section)


def fold_data_node(own: dict[str, Any], default: dict[str, Any]) -> dict[str, Any]:
    """A data node's settings completed from the default entry and its storage type's defaults.

    The default scope and properties apply only to nodes of the default's storage type.
    """
    default_type = default.get("storage_type", "pickle")
    storage_type = own.get("storage_type", default_type)
    same_type = storage_type == default_type
    structure = STRUCTURE_KEYS[DATA_NODE]
    settings = {key: value for key, value in default.items() if same_type and key not in structure}
    settings.update(own)
    settings["storage_type"] = storage_type
    if "scope" not in own:
        settings["scope"] = default.get("scope", Scope.SCENARIO) if same_type else Scope.SCENARIO
    if "validity_period" not in own and "validity_period" in default:
        settings["validity_period"] = default["validity_period"]
    for key, value in OPTIONAL_DEFAULTS.get(str(storage_type), {}).items():
        if settings.get(key) is None:
            settings[key] = value
    for key in PATH_PROPERTIES:
        settings[key] = _normalize_path(settings.get(key))
    return settings


def _normalize_path(path: Any) -> Any:
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if isinstance(path, str) and path and not is_template(path):
        return os.path.normpath(path)
    return path


class _Compiler:
    def __init__(self, previous: AppliedConfig | None, owner: SectionOwner | None) -> None:
        self.previous = previous
        self.owner = owner

    def build(self, cls: type[S], cid: str, settings: dict[str, Any]) -> S:
        reverse = {key: name for name, key in cls.layer_keys.items()}
        fields: dict[str, Any] = {"id": cid, "raw_properties": {}}
        for key, value in settings.items():
            name = reverse.get(key, key)
            if name in cls.model_fields and name not in fields:
                fields[name] = value
            elif value is not None:
                fields["raw_properties"][key] = value
        try:
            fresh = cls.model_validate(fields)
        except ValidationError as error:
            problem = error.errors()[0]
            field = ".".join(str(part) for part in problem["loc"])
            raise ConfigurationError(
                f'{cls.section_name} "{cid}": {field} is invalid ({problem["msg"]}; got '
                f"{problem.get('input')!r}). Fix it in the code or config file that sets it."
            ) from None
        return self._reuse(fresh)

    def _reuse(self, fresh: S) -> S:
        old = self.previous and self.previous.find(fresh.section_name, fresh.id)
        section = fresh
        if old is not None and type(old) is type(fresh):
            old.refresh_from(fresh)
            section = old
        section._owner = self.owner
        return section

    def data_node(self, cid: str, own: dict[str, Any], default: dict[str, Any]) -> DataNodeConfig:
        return self.build(DataNodeConfig, cid, fold_data_node(own, default))

    def task(self, cid: str, own: dict[str, Any], default: dict[str, Any], dns: dict[str, Any]) -> TaskConfig:
        settings = merge_settings(default, own)
        for key in ("inputs", "outputs"):
            settings[key] = _linked(TASK, cid, key, settings.get(key, []), dns, DATA_NODE)
        return self.build(TaskConfig, cid, settings)

    def scenario(
        self,
        cid: str,
        own: dict[str, Any],
        default: dict[str, Any],
        tasks: dict[str, Any],
        dns: dict[str, Any],
    ) -> ScenarioConfig:
        settings = merge_settings(default, own)
        settings["tasks"] = _linked(SCENARIO, cid, "tasks", settings.get("tasks", []), tasks, TASK)
        extra = settings.get("additional_data_nodes", [])
        settings["additional_data_nodes"] = _linked(SCENARIO, cid, "additional_data_nodes", extra, dns, DATA_NODE)
        settings["sequences"] = {
            name: _linked(SCENARIO, cid, f'sequence "{name}"', ids, tasks, TASK)
            for name, ids in dict(settings.get("sequences", {})).items()
        }
        settings["comparators"] = {
            dn_id: list(fns) if isinstance(fns, list | tuple) else [fns]
            for dn_id, fns in dict(settings.get("comparators", {})).items()
        }
        return self.build(ScenarioConfig, cid, settings)


def _linked(kind: str, cid: str, key: str, ids: Any, targets: dict[str, Any], target_kind: str) -> list[Any]:
    linked = []
    for ref in ids if isinstance(ids, list | tuple) else [ids]:
        if ref not in targets:
            raise ConfigurationError(
                f'{kind} "{cid}" {key} names {target_kind} "{ref}", which is not configured: '
                f"configure it or remove it from {key}."
            )
        linked.append(targets[ref])
    return linked


def compile_config(
    layer: Layer, previous: AppliedConfig | None = None, owner: SectionOwner | None = None
) -> AppliedConfig:
    """Section objects for the merged ``layer``, reusing those of ``previous`` by id."""
    build = _Compiler(previous, owner)
    own = {kind: dict(layer.sections[kind]) for kind in (DATA_NODE, TASK, SCENARIO)}
    default = {kind: own[kind].pop(DEFAULT_ID, {}) for kind in own}
    dns = {cid: build.data_node(cid, raw, default[DATA_NODE]) for cid, raw in own[DATA_NODE].items()}
    tasks = {cid: build.task(cid, raw, default[TASK], dns) for cid, raw in own[TASK].items()}
    scenarios = {cid: build.scenario(cid, raw, default[SCENARIO], tasks, dns) for cid, raw in own[SCENARIO].items()}
    defaults: dict[str, Section] = {
        DATA_NODE: build.data_node(DEFAULT_ID, default[DATA_NODE], {}),
        TASK: build.task(DEFAULT_ID, default[TASK], {}, dns),
        SCENARIO: build.scenario(DEFAULT_ID, default[SCENARIO], {}, tasks, dns),
    }
    return AppliedConfig(
        data_nodes=dns,
        tasks=tasks,
        scenarios=scenarios,
        job_config=build.build(JobConfig, JOB, dict(layer.unique[JOB])),
        core=build.build(CoreConfig, CORE, dict(layer.unique[CORE])),
        global_config=build.build(GlobalAppConfig, GLOBAL_APP, dict(layer.unique[GLOBAL_APP])),
        defaults=defaults,
        migration_functions={version: dict(fns) for version, fns in layer.migrations.items()},
    )


def refresh_sections(
    config: AppliedConfig,
    changed: list[tuple[str, str, dict[str, Any], dict[str, Any]]],
    owner: SectionOwner | None,
) -> None:
    """Rebuild only the ``changed`` sections of ``config`` (kind, id, own and default settings).

    Others need no rebuild: they refer to the rebuilt ones by identity.
    """
    build = _Compiler(config, owner)
    order = {DATA_NODE: 0, TASK: 1, SCENARIO: 2}
    for kind, cid, own, default in sorted(changed, key=lambda entry: order[entry[0]]):
        if kind == DATA_NODE:
            config.data_nodes[cid] = build.data_node(cid, own, default)
        elif kind == TASK:
            config.tasks[cid] = build.task(cid, own, default, config.data_nodes)
        else:
            config.scenarios[cid] = build.scenario(cid, own, default, config.tasks, config.data_nodes)
