"""What a development start keeps: the scenarios of workflows, and everything their results rest on.

Development mode replaces a run's entities at the next start, but a workflow is a cache of
results (d6tflow's promise: complete tasks do not run again), so its scenario — marked by the
``workflow`` property — survives with its tasks, data nodes, jobs and submissions. Its tasks are
still judged as always: a changed config, code or input re-runs them.
"""

from __future__ import annotations

from ledgerflow.projections.current import CurrentState

WORKFLOW = "workflow"


def kept_by_workflows(state: CurrentState, version: str) -> set[str]:
    """Ids of the entities of ``version`` that belong to a workflow's scenario."""
    kept: set[str] = set()
    for scenario in state.scenarios.values():
        if scenario.version != version or not scenario.properties.get(WORKFLOW):
            continue
        kept.update((scenario.id, *scenario.sequence_ids, *scenario.additional_data_node_ids))
        for task_id in scenario.task_ids:
            task = state.tasks.get(task_id)
            if task is not None:
                kept.update((task_id, *task.input_ids, *task.output_ids))
    jobs = {j for t in list(kept) for j in state.jobs_of(t)}
    submissions = {state.jobs[j].submission_id for j in jobs if j in state.jobs}
    submissions.update(s for e in list(kept) for s in state.submissions_of(e))
    return kept | jobs | submissions
