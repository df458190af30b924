"""The configuration API (Taipy-compatible): ``Config`` and its sections, checks and diffs."""

from ledgerflow.domain.config.applied import AppliedConfig
from ledgerflow.domain.config.config import Config
from ledgerflow.domain.config.data_node import DataNodeConfig
from ledgerflow.domain.config.diff import ConfigDifference, config_diff
from ledgerflow.domain.config.functions import (
    FunctionNotImportable,
    ImportReference,
    function_reference,
    resolve_function,
)
from ledgerflow.domain.config.issues import ConfigCheckError, Issue, IssueCollector
from ledgerflow.domain.config.scenario import ScenarioConfig
from ledgerflow.domain.config.task import TaskConfig
from ledgerflow.domain.config.unique_sections import CoreConfig, GlobalAppConfig, JobConfig

__all__ = [
    "AppliedConfig",
    "Config",
    "ConfigCheckError",
    "ConfigDifference",
    "CoreConfig",
    "DataNodeConfig",
    "FunctionNotImportable",
    "GlobalAppConfig",
    "ImportReference",
    "Issue",
    "IssueCollector",
    "JobConfig",
    "ScenarioConfig",
    "TaskConfig",
    "config_diff",
    "function_reference",
    "resolve_function",
]
