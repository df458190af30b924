"""What a runner needs to run a job, read from the current state."""

from __future__ import annotations

from typing import Any

from ledgerflow.domain.config.accessors import configured
from ledgerflow.domain.config.layer import TASK
from ledgerflow.executor.jobspec import InputSpec, JobSpec
from ledgerflow.executor.timeouts import job_timeout
from ledgerflow.projections.current import CurrentState
from ledgerflow.runtime.datanodes import node_spec


def job_spec(state: CurrentState, job_id: str) -> JobSpec:
    """The function and the nodes of a job: the latest value of each input, where it is stored."""
    task = state.tasks[state.jobs[job_id].task_id]
    inputs = []
    for dn_id in task.input_ids:
        view = state.data_nodes[dn_id]
        edit = view.edits[-1]
        inputs.append(InputSpec(node_spec(view), edit.content_hash, edit.location))
    outputs = [node_spec(state.data_nodes[dn_id]) for dn_id in task.output_ids]
    config = configured(TASK, task.config_id)
    function: Any = config.function if config is not None and config.function is not None else task.function
    timeout = job_timeout(task.config_id, task.properties)
    return JobSpec(job_id, task.config_id, function, inputs, outputs, timeout)
