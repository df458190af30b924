"""The application of Taipy's production-mode walkthrough, importable by the version tests.

``configure_v1()`` is the first config, ``configure_v2()`` the changed one (paths, GLOBAL scopes,
a skippable task); the ``migrate_*`` functions are the walkthrough's migration functions, plus
a few misbehaving ones. ``Runs`` starts the application as a new process would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import ledgerflow as lf
from ledgerflow import Config, Scope


def example_algorithm(entry: str) -> str:
    return entry


def configure_v1() -> Any:
    """The walkthrough's first config; returns the scenario config."""
    input_cfg = Config.configure_data_node("my_input", default_data="a_string")
    output_cfg = Config.configure_data_node("my_output")
    task_cfg = Config.configure_task("example_algorithm", example_algorithm, input_cfg, output_cfg)
    return Config.configure_scenario("my_scenario", [task_cfg])


def configure_v2() -> Any:
    """The changed config: user paths, GLOBAL scopes and a skippable task."""
    input_cfg = Config.configure_data_node("my_input", path="input.pkl", scope=Scope.GLOBAL, default_data="A string")
    output_cfg = Config.configure_data_node("my_output", path="output.pkl", scope=Scope.GLOBAL)
    task_cfg = Config.configure_task("example_algorithm", example_algorithm, input_cfg, output_cfg, skippable=True)
    return Config.configure_scenario("my_scenario", [task_cfg])


def migrate_datanode_scope(datanode: Any) -> Any:
    datanode.scope = Scope.GLOBAL
    return datanode


def migrate_skippable_task(task: Any) -> Any:
    task.skippable = True
    return task


def add_migrations(target: str = "2.0") -> None:
    """Register the walkthrough's migration functions for ``target``."""
    Config.add_migration_function(target, "my_input", migrate_datanode_scope)
    Config.add_migration_function(target, "my_output", migrate_datanode_scope)
    Config.add_migration_function(target, "example_algorithm", migrate_skippable_task)


def tag_scenario_migrated(scenario: Any) -> Any:
    scenario.properties["migrated"] = True
    scenario.add_tag("migrated")
    return scenario


def label_input(datanode: Any) -> Any:
    datanode.properties["label"] = f"{datanode.properties.get('label', '')}+{datanode.scope.name}"
    return datanode


def broken_migration(datanode: Any) -> Any:
    raise ValueError("the migration of this node is broken")


def forgetful_migration(datanode: Any) -> Any:
    datanode.scope = Scope.GLOBAL  # and forgets to return it


def writing_migration(datanode: Any) -> Any:
    datanode.write("written during a migration")
    return datanode


class Runs:
    """Starts of the application, each with a fresh config and session."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def start(
        self,
        mode: str | None = None,
        version: str | None = None,
        force: bool | None = None,
        configure: Callable[[], Any] = configure_v1,
        create: bool = True,
    ) -> int:
        """Start, create one scenario (unless ``create`` is False); the number of scenarios seen."""
        from ledgerflow.service import session

        session.close()
        Config._reset()
        for key, value in (("LEDGERFLOW_MODE", mode), ("LEDGERFLOW_VERSION", version), ("LEDGERFLOW_FORCE", force)):
            if value is None:
                self.monkeypatch.delenv(key, raising=False)
            else:
                self.monkeypatch.setenv(key, str(value).lower())
        scenario_config = configure()
        session.for_writing()  # the run starts its version, as Orchestrator().run() does
        if create:
            lf.create_scenario(scenario_config)
        return len(lf.get_scenarios())

    def version(self) -> str:
        """The version of the running application."""
        from ledgerflow.service import session

        return session.current().version.name

    def stop(self) -> None:
        """End the running application (as its process would exit)."""
        from ledgerflow.service import session

        session.close()
