"""``ledgerflow preview``: the plan of an application's scenarios, read from its log without a session.

Opening a session records a version start (and in development mode replaces the previous run's
entities), so the preview folds the log into a private projection instead and records nothing —
not even files edited outside ledgerflow, which it only takes into account.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ledgerflow.domain.config import Config, ScenarioConfig
from ledgerflow.domain.errors import NonExistingVersion
from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.checkpoints import load_saved_state
from ledgerflow.service.stores import open_reader, store_exists
from ledgerflow.service.submitting.external_edits import edited_outside
from ledgerflow.service.workflow.kept import WORKFLOW
from ledgerflow.service.workflow.plan import Plan, nodes_with_data, plan_new_scenario, plan_scenario

DEVELOPMENT, PRODUCTION = "development", "production"


@dataclass(frozen=True)
class StoredPreview:
    """The plans of the scenarios of one config in the versions a run would see, and what was looked at."""

    versions: str
    plans: list[Plan]
    note: str | None = None


def read_state(storage_folder: str, event_store: str | None) -> CurrentState | None:
    """The current state folded from the application's log (None when it has no store yet)."""
    if not store_exists(storage_folder, event_store):
        return None
    store = open_reader(storage_folder, event_store).store
    try:
        state = load_saved_state(store, lazy=False)  # the store closes before the state is used
        state.apply_all(store.iter_records(after=state.position), new=True)
        return state
    finally:
        store.close()


def _visible(state: CurrentState, version: str | None) -> tuple[frozenset[str], str]:
    """The versions a run would see, from ``version`` or the app's mode and version settings."""
    mode = os.environ.get("LEDGERFLOW_MODE") or Config.core.mode or DEVELOPMENT
    name = version or os.environ.get("LEDGERFLOW_VERSION") or Config.core.version_number or None
    production = frozenset(v.name for v in state.versions.values() if v.mode == PRODUCTION)
    if name is not None:
        recorded = state.versions.get(name)
        if recorded is None:
            if version is not None:
                known = ", ".join(sorted(v.name for v in state.versions.values() if v.mode != DEVELOPMENT))
                raise NonExistingVersion(
                    f"Version {name} does not exist: run the application with --experiment {name} first, "
                    f"or choose one of: {known or '(none)'}."
                )
            return frozenset(), f"version {name} (not started yet)"
        if recorded.mode == PRODUCTION:
            return production, f"production versions {', '.join(sorted(production))}"
        return frozenset({name}), f"{recorded.mode} version {name}"
    if mode == PRODUCTION:
        return production, f"production versions {', '.join(sorted(production)) or '(none yet)'}"
    development = frozenset(v.name for v in state.versions.values() if v.mode == DEVELOPMENT)
    return development, "the development version"


def _resumes(state: CurrentState, scenario_id: str) -> bool:
    """Whether the scenario's last submission reused every valid output (a workflow's run does)."""
    submissions = state.entity_submissions.get(scenario_id) or state.submissions_of(scenario_id)
    last = state.submissions.get(submissions[-1]) if submissions else None
    return bool(last is not None and last.properties.get("resume"))


def preview_application(
    storage_folder: str,
    event_store: str | None,
    config: ScenarioConfig,
    *,
    version: str | None = None,
    name: str | None = None,
    submit_rules: bool | None = None,
) -> StoredPreview:
    """Plans of the stored scenarios of ``config`` (a new one's when there is none).

    ``submit_rules``: True judges as ``lf.submit`` does (non-skippable tasks always run), False as
    ``Workflow.run()`` does (every task by its outputs); None as the scenario's last submission was
    judged (``submit(resume=True)`` and workflows resume), ``lf.submit``'s rules if it has none.
    """
    state = read_state(storage_folder, event_store) or CurrentState()
    visible, described = _visible(state, version)
    plans = []
    replaced = False  # a scenario a development start replaces (a workflow's is kept)
    for view in state.scenarios.values():
        if view.config_id != config.id or view.version not in visible or (name and view.name != name):
            continue
        nodes = {n for t in view.task_ids for n in (*state.tasks[t].input_ids, *state.tasks[t].output_ids)}
        edited = {n: h for n in nodes if (h := edited_outside(state.data_nodes[n])) is not None}
        resume = _resumes(state, view.id) if submit_rules is None else not submit_rules
        tasks = plan_scenario(state, view.id, frozenset(), edited, resume=resume)
        replaced = replaced or not view.properties.get(WORKFLOW)
        label = f"{view.name!r} " if view.name else ""
        plans.append(Plan(f"Scenario {label}{view.id} of {config.id}", tuple(tasks)))
    note = None
    if not plans:
        has_data = nodes_with_data(state, next(iter(visible), ""), config)
        plans.append(Plan(f"A new scenario of {config.id}", tuple(plan_new_scenario(config, frozenset(), has_data))))
    elif described == "the development version" and replaced:
        note = (
            "Development mode: `ledgerflow run` replaces these entities at start, so every task of a new run "
            "runs; run with --experiment V to keep results between runs."
        )
    return StoredPreview(described, plans, note)
