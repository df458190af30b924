"""Property: a skip decision never skips a task whose inputs changed, and never runs one needlessly.

A chain ``x -> t1 -> y -> t2 -> z`` of skippable tasks receives random writes (to its input ``x``
and to the intermediate ``y``, often with the value it already holds) and submits. A model tracks
the input value each task last completed with; every job must run exactly when its input's value
differs from that one, or (``check_dependencies``) when its upstream task ran in the same submission.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pipelines import double

import ledgerflow as lf
from ledgerflow import Config

operations = st.lists(
    st.one_of(
        st.tuples(st.just("x"), st.integers(0, 2)),
        st.tuples(st.just("y"), st.integers(0, 4)),
        st.tuples(st.just("submit"), st.booleans()),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_jobs_run_exactly_when_their_inputs_changed(running: Path, ops: list[tuple[str, object]]) -> None:
    x = Config.configure_data_node("x", default_data=0)
    y = Config.configure_data_node("y")
    z = Config.configure_data_node("z")
    config = Config.configure_scenario(
        "chain",
        [
            Config.configure_task("t1", double, x, y, skippable=True),
            Config.configure_task("t2", double, y, z, skippable=True),
        ],
    )
    scenario = lf.create_scenario(config)
    values: dict[str, int | None] = {"x": 0, "y": None}
    completed_with: dict[str, int | None] = {"t1": None, "t2": None}
    for op, arg in [*ops, ("submit", False)]:
        if op in ("x", "y"):
            getattr(scenario, op).write(arg)
            values[op] = int(arg)  # type: ignore[call-overload]
            continue
        submission = lf.submit(scenario, force=bool(arg))
        status = {job.task.config_id: job.status.name for job in submission.jobs}
        t1_runs = bool(arg) or completed_with["t1"] != values["x"]
        assert status["t1"] == ("COMPLETED" if t1_runs else "SKIPPED"), (ops, values, completed_with)
        if t1_runs:
            completed_with["t1"] = values["x"]
            values["y"] = 2 * int(values["x"] or 0)
        t2_runs = bool(arg) or t1_runs or completed_with["t2"] != values["y"]
        assert status["t2"] == ("COMPLETED" if t2_runs else "SKIPPED"), (ops, values, completed_with)
        if t2_runs:
            completed_with["t2"] = values["y"]
        assert scenario.z.read() == 2 * int(completed_with["t2"] or 0)
