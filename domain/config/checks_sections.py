"""Checks of single sections: ids, data nodes, job execution, core settings, migrations."""

from __future__ import annotations

from datetime import timedelta

from ledgerflow.domain.config.applied import AppliedConfig
from ledgerflow.domain.config.checks_functions import FunctionRules, check_function
from ledgerflow.domain.config.data_node import DataNodeConfig
from ledgerflow.domain.config.issues import IssueCollector
from ledgerflow.domain.config.layer import KEYED_SECTIONS
from ledgerflow.domain.config.section import Section
from ledgerflow.domain.config.storage_extras import missing_extra
from ledgerflow.domain.config.storage_types import (
    FUNCTION_PROPERTIES,
    STORAGE_TYPES,
    missing_required,
)
from ledgerflow.domain.config.unique_sections import CORE_MODES, JOB_MODES
from ledgerflow.domain.errors import ConfigurationError

_EVENT_STORE_SCHEMES = ("postgresql://", "postgres://", "sqlite:///")


def check_ids(issues: IssueCollector, config: AppliedConfig) -> None:
    """The same id must not name configs of two kinds."""
    kinds_by_id: dict[str, list[str]] = {}
    for kind in KEYED_SECTIONS:
        for cid in config.keyed(kind):
            kinds_by_id.setdefault(cid, []).append(kind)
    for cid, kinds in kinds_by_id.items():
        if len(kinds) > 1:
            issues.error(
                "config_id",
                cid,
                f"`{cid}` is used as the config_id of multiple configurations {kinds}. Give each "
                "configuration its own id.",
                "ID",
            )


def check_data_node(issues: IssueCollector, dn: DataNodeConfig, rules: FunctionRules) -> None:
    """Storage type, required properties, validity period, functions, job-mode constraints."""
    where = f'DataNode "{dn.id}"'
    if dn.storage_type not in STORAGE_TYPES:
        valid = ", ".join(STORAGE_TYPES[:-1]) + f", or {STORAGE_TYPES[-1]}"
        issues.error(
            "storage_type",
            dn.storage_type,
            f"`storage_type` field of DataNodeConfig `{dn.id}` must be either {valid}.",
            "DATA_NODE",
        )
        return
    for name in missing_required(dn.storage_type, dn.raw_properties):
        issues.error(
            name,
            None,
            f"DataNodeConfig `{dn.id}` is missing the required property `{name}` for type "
            f"`{dn.storage_type}`. Add {name}=... to its configure call.",
            "DATA_NODE",
        )
    absent = missing_extra(dn.storage_type, dn.raw_properties.get("db_engine"))
    if absent is not None:
        issues.error("storage_type", dn.storage_type, f"{where}: {absent}", "DATA_NODE")
    if dn.storage_type == "generic" and not (dn.read_fct or dn.write_fct):
        issues.error(
            "read_fct",
            None,
            f"{where} of type generic has neither read_fct nor write_fct: give "
            "configure_generic_data_node at least one of them.",
            "DATA_NODE",
        )
    for name in FUNCTION_PROPERTIES:
        fn = dn.raw_properties.get(name)
        if fn is not None:
            check_function(issues, fn, where, name, "DATA_NODE", rules=rules, run_by_workers=True)
    if dn.storage_type == "in_memory" and rules.job_mode != "development":
        issues.error(
            "storage_type",
            dn.storage_type,
            f"{where} is stored in memory, which only works in development job mode (the job "
            f'mode is "{rules.job_mode}"). Use a pickle data node, or run in development mode.',
            "DATA_NODE",
        )
    period = dn.validity_period
    if period is not None and not (isinstance(period, timedelta) and period > timedelta(0)):
        issues.error(
            "validity_period",
            period,
            f"{where}: validity_period must be a positive timedelta (for example timedelta(days=1)), not {period!r}.",
            "DATA_NODE",
        )


def read_setting(section: Section, name: str) -> object:
    """A typed setting, or its raw value when it has the wrong type (ENV errors propagate)."""
    try:
        return getattr(section, name)
    except ConfigurationError as error:
        if type(error) is not ConfigurationError:
            raise
        return section.raw_properties.get(name)


def check_job(issues: IssueCollector, config: AppliedConfig) -> None:
    """The job execution mode and the number of workers."""
    mode = read_setting(config.job_config, "mode")
    if mode not in JOB_MODES:
        issues.error(
            "mode",
            mode,
            f'JobConfig: mode "{mode}" is not a job execution mode. Use "development", "standalone" or "cluster".',
            "JOB",
        )
    workers = read_setting(config.job_config, "max_nb_of_workers")
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        issues.error(
            "max_nb_of_workers",
            workers,
            f"JobConfig: max_nb_of_workers must be a whole number of at least 1, not {workers!r}.",
            "JOB",
        )


def check_core(issues: IssueCollector, config: AppliedConfig) -> None:
    """The version mode and the event store URL (which is never shown: it may hold a password)."""
    mode = read_setting(config.core, "mode")
    if mode not in CORE_MODES:
        issues.error(
            "mode",
            mode,
            f'CoreConfig: mode "{mode}" is not a version mode. Use "development", "experiment" or "production".',
            "CORE",
        )
    url = str(read_setting(config.core, "event_store") or "") or None
    if url is not None and not url.startswith(_EVENT_STORE_SCHEMES):
        scheme = url.split("://")[0] + "://..." if "://" in url else "a value without a scheme"
        issues.error(
            "event_store",
            config.core.raw_properties.get("event_store"),
            f"CoreConfig: event_store {scheme} is not supported. Leave it unset (a SQLite file "
            'under storage_folder), or use "sqlite:///path/to/events.db" or '
            '"postgresql://user:password@host/database".',
            "CORE",
        )


def check_migrations(issues: IssueCollector, config: AppliedConfig, rules: FunctionRules) -> None:
    """Migration functions must be recordable functions of configured sections."""
    known = {cid for kind in KEYED_SECTIONS for cid in config.keyed(kind)}
    for version, functions in config.migration_functions.items():
        for cid, fn in functions.items():
            where = f'Migration function of "{cid}" for version "{version}"'
            check_function(
                issues,
                fn,
                where,
                "migration_fct",
                "VERSION_MIGRATION",
                rules=rules,
                run_by_workers=False,
            )
            if cid not in known:
                issues.warning(
                    "config",
                    cid,
                    f"{where} targets no configured data node, task or scenario: check the id.",
                    "VERSION_MIGRATION",
                )
