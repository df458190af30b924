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


class IncompleteLog(EventStoreError):
    """The log lacks events the projection counted (a creation, a write): it was cut or altered."""


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


# --- Taipy's public exception names (``taipy.core.exceptions`` and the config's), so ``except``
# clauses of Taipy scripts keep working. Where ledgerflow already had a class, Taipy's name is a
# subclass of it (the specific "does not exist" errors of ``NonExistingEntity``, for instance).


class NonExistingDataNode(NonExistingEntity):
    """No data node has the given id."""


class NonExistingCycle(NonExistingEntity):
    """No cycle has the given id."""


class NonExistingJob(NonExistingEntity):
    """No job has the given id."""


class NonExistingSubmission(NonExistingEntity):
    """No submission has the given id."""


class NonExistingScenarioConfig(LedgerflowError):
    """No scenario config has the given id."""


class NonExistingSequenceConfig(LedgerflowError):
    """No sequence of the scenario config has the given name."""


class InvalidConfigurationId(ConfigurationError):
    """A config id is not a valid Python identifier."""


class MissingRequiredProperty(ConfigurationError):
    """A data node config lacks a property its storage type requires."""


class InvalidDataNodeType(ConfigurationError):
    """A data node storage type that does not exist."""


class InvalidExposedType(ConfigurationError):
    """An ``exposed_type`` that is neither pandas, numpy, modin nor a class."""


class ModeNotAvailable(ConfigurationError):
    """A job execution mode that does not exist."""


class ConfigCoreVersionMismatched(ConfigurationError):
    """A recorded config was written by an incompatible ledgerflow version."""


class CoreServiceIsAlreadyRunning(OrchestratorServiceIsAlreadyRunning):
    """Taipy's older name of ``OrchestratorServiceIsAlreadyRunning``."""


class OrchestratorNotBuilt(LedgerflowError):
    """The orchestrator was used before it was built."""


class CycleAlreadyExists(LedgerflowError):
    """A cycle that already exists was created again."""


class MultipleDataNodeFromSameConfigWithSameOwner(LedgerflowError):
    """Two data nodes of one config share an owner (never raised: the log's keys prevent it)."""


class MultipleTaskFromSameConfigWithSameOwner(LedgerflowError):
    """Two tasks of one config share an owner (never raised: the log's keys prevent it)."""


class MultipleSequenceFromSameConfigWithSameOwner(LedgerflowError):
    """Two sequences of one name share a scenario (never raised: names are unique per scenario)."""


class InvalidSequence(LedgerflowError):
    """The tasks of a sequence do not form a connected DAG."""


class InvalidSequenceId(LedgerflowError):
    """A sequence id that cannot be broken down into its name and scenario."""


class SequenceAlreadyExists(LedgerflowError):
    """The scenario already has a sequence of that name."""


class SequenceBelongsToNonExistingScenario(LedgerflowError):
    """A sequence's scenario does not exist."""


class SequenceTaskDoesNotExistInScenario(LedgerflowError):
    """Tasks given to a sequence are not tasks of its scenario."""


class SequenceTaskConfigDoesNotExistInSameScenarioConfig(ConfigurationError):
    """Tasks of a configured sequence are not tasks of its scenario config."""


class AttributeKeyAlreadyExisted(LedgerflowError):
    """A scenario property would hide a sequence, task or data node of the same name."""


class InvalidSubscriber(LedgerflowError):
    """A subscriber that cannot be imported by its recorded name."""


class InvalidEventAttributeName(LedgerflowError):
    """An event of creation, deletion or submission was given an attribute name."""


class InvalidEventOperation(LedgerflowError):
    """An operation that the entity type does not have (a data node is not submitted)."""


class UnknownDatabaseEngine(ConfigurationError):
    """A SQL data node names a database engine that is not supported."""


class MissingAppendQueryBuilder(LedgerflowError):
    """``append`` on a SQL data node configured without ``append_query_builder``."""


class UnknownParquetEngine(ConfigurationError):
    """A parquet engine other than pyarrow or fastparquet."""


class UnknownCompressionAlgorithm(ConfigurationError):
    """A parquet compression that is not supported."""


class NonExistingExcelSheet(LedgerflowError):
    """A sheet name the Excel file does not contain."""


class ExposedTypeLengthMismatch(LedgerflowError):
    """As many exposed types as Excel sheets were expected."""


class SheetNameLengthMismatch(LedgerflowError):
    """As many sheet names as sheets of data were expected."""


class InvalidCustomDocument(ConfigurationError):
    """A Mongo collection's ``custom_document`` is not a class."""


class MissingReadFunction(ConfigurationError):
    """A generic data node was read without a ``read_fct``."""


class MissingWriteFunction(ConfigurationError):
    """A generic data node was written without a ``write_fct``."""


class DependencyNotInstalled(LedgerflowError):
    """An optional package a feature needs is not installed."""


class FileCannotBeRead(LedgerflowError):
    """A data node's file cannot be read."""


class SQLQueryCannotBeExecuted(LedgerflowError):
    """A SQL data node's query failed."""


class ExportPathAlreadyExists(LedgerflowError):
    """Taipy's scenario export target exists (ledgerflow has no scenario export: never raised)."""


class EntitiesToBeImportAlredyExist(LedgerflowError):
    """Taipy's scenario import name (ledgerflow has no scenario import: never raised)."""


class DataToBeImportAlredyExist(LedgerflowError):
    """Taipy's scenario import name (ledgerflow has no scenario import: never raised)."""


class ImportArchiveDoesntContainAnyScenario(LedgerflowError):
    """Taipy's scenario import name (ledgerflow has no scenario import: never raised)."""


class ImportScenarioDoesntHaveAVersion(LedgerflowError):
    """Taipy's scenario import name (ledgerflow has no scenario import: never raised)."""


#: The specific "does not exist" error of each entity table.
NON_EXISTING: dict[str, type[NonExistingEntity]] = {
    "scenarios": NonExistingScenario,
    "sequences": NonExistingSequence,
    "tasks": NonExistingTask,
    "data_nodes": NonExistingDataNode,
    "cycles": NonExistingCycle,
    "jobs": NonExistingJob,
    "submissions": NonExistingSubmission,
}
