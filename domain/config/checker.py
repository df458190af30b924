"""``Config.check()``: every check over the merged configuration."""

from __future__ import annotations

from ledgerflow.domain.config.applied import AppliedConfig
from ledgerflow.domain.config.checks_functions import FunctionRules, check_task
from ledgerflow.domain.config.checks_scenarios import check_scenario
from ledgerflow.domain.config.checks_sections import (
    check_core,
    check_data_node,
    check_ids,
    check_job,
    check_migrations,
    read_setting,
)
from ledgerflow.domain.config.issues import IssueCollector


def run_checks(config: AppliedConfig, *, main_guarded: bool = False) -> IssueCollector:
    """Every issue of ``config``.

    ``main_guarded``: the caller verified that the ``__main__`` script guards its entry point,
    so worker processes can import the functions it defines.
    """
    issues = IssueCollector()
    rules = FunctionRules(job_mode=str(read_setting(config.job_config, "mode")), main_guarded=main_guarded)
    check_ids(issues, config)
    check_job(issues, config)
    check_core(issues, config)
    for dn in config.data_nodes.values():
        check_data_node(issues, dn, rules)
    for task in config.tasks.values():
        check_task(issues, task, rules)
    for scenario in config.scenarios.values():
        check_scenario(issues, scenario, rules)
    check_migrations(issues, config, rules)
    return issues
