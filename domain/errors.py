"""Errors raised to users. Each message names the thing and, where there is one, the fix."""

from __future__ import annotations


class LedgerflowError(Exception):
    """Base class of every error ledgerflow raises on purpose."""


class ConfigurationError(LedgerflowError):
    """The configuration is invalid; the message lists every problem found."""


class ConfigurationUpdateBlocked(ConfigurationError):
    """The configuration was changed while the orchestrator runs."""


class MissingEnvVariableError(ConfigurationError):
    """An ``ENV[VAR]`` template names a variable that is not set."""


class InconsistentEnvVariableError(ConfigurationError):
    """An ``ENV[VAR]:type`` template resolves to a value of the wrong type."""


class LoadingError(ConfigurationError):
    """A TOML configuration file cannot be read."""


class EventStoreError(LedgerflowError):
    """The event store cannot be opened or written."""


class ConcurrentChangeError(LedgerflowError):
    """Other processes kept changing what a command changes: it was retried and gave up."""


class ModelNotFound(LedgerflowError):
    """No entity has the given id."""


class NonExistingEntity(ModelNotFound):
    """The entity of the given id does not exist (or was deleted)."""


class NonExistingScenario(NonExistingEntity):
    """The scenario does not exist (or was deleted)."""


class NonExistingSequence(NonExistingEntity):
    """The sequence does not exist (or was deleted)."""


class NonExistingTask(NonExistingEntity):
    """The task does not exist (or was deleted)."""


class NoData(LedgerflowError):
    """A data node was read before anything was written to it."""


class DataNodeIsBeingEdited(LedgerflowError):
    """Another editor holds the edit lock of a data node."""


class DataNodeWritingError(LedgerflowError):
    """A value could not be written to a data node; its previous value is kept."""


class DataNodeReadingError(LedgerflowError):
    """A data node's value could not be read (missing file or sheet, failing query, unreachable database)."""


class MissingExtraError(LedgerflowError, ImportError):
    """A storage type needs a library of an extra that is not installed."""


class DataNodeConfigIsNotGlobal(LedgerflowError):
    """A global data node was requested from a config whose scope is not GLOBAL."""


class InvalidScenario(LedgerflowError):
    """The task graph of a scenario is not a DAG."""


class DeletingPrimaryScenario(LedgerflowError):
    """A primary scenario cannot be deleted while its cycle has other scenarios."""


class DoesNotBelongToACycle(LedgerflowError):
    """The scenario has no cycle, so it cannot be primary."""


class UnauthorizedTagError(LedgerflowError):
    """The tag is not in the scenario config's ``authorized_tags``."""


class InsufficientScenarioToCompare(LedgerflowError):
    """Fewer than two scenarios were given to ``compare_scenarios``."""


class DifferentScenarioConfigs(LedgerflowError):
    """Scenarios of different configs cannot be compared."""


class NonExistingComparator(LedgerflowError):
    """The scenario config has no comparator for that data node."""


class IllegalJobTransition(LedgerflowError):
    """A job status change that the rules forbid."""


class JobNotDeletedException(LedgerflowError):
    """A job that has not finished cannot be deleted."""


class SubmissionNotDeletedException(LedgerflowError):
    """A submission that has not finished cannot be deleted."""


class OrchestratorServiceIsAlreadyRunning(LedgerflowError):
    """``Orchestrator().run()`` was called twice."""


class NonExistingVersion(LedgerflowError):
    """No application version has that name."""


class VersionIsNotProductionVersion(LedgerflowError):
    """The version is not a production version."""


class VersionRefused(LedgerflowError, SystemExit):
    """The application cannot start under the requested version.

    Left uncaught it ends the program as ``SystemExit`` does: ``code`` (the hint) is printed
    without a traceback and the exit status is 1. ``str(error)`` is the whole message.
    """

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = hint if hint is not None else message


class ConflictedConfigurationError(VersionRefused):
    """The config differs from the one recorded for an existing version (``--force`` overrides it)."""


class VersionAlreadyExistsAsDevelopment(VersionRefused):
    """An experiment was given the name of the development version."""


class MigrationFailed(VersionRefused):
    """A migration function failed: the production version did not start and nothing was recorded."""


class NonExistingTaskConfig(LedgerflowError):
    """A task config id that the workflow or scenario config does not contain."""


class NonExistingDataNodeConfig(LedgerflowError):
    """A data node config id (e.g. a workflow parameter) that names no data node it can use."""
