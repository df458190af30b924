"""Caching that notices data and code changes: fingerprints, validity, external edits, resume."""

from __future__ import annotations

import importlib.util
import pickle
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from forecasting import forecast_config, plan_badly, predict_rounded, ran, run_reason, statuses
from pipelines import double

import ledgerflow as lf
from ledgerflow import Config
from ledgerflow.domain.config import ConfigCheckError


def _load(folder: Path, name: str, source: str) -> Any:
    """A function ``predict`` from a module written to ``folder`` (so its source can be read)."""
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.predict


def test_changed_code_reruns_the_task_and_everything_downstream(running: Path) -> None:
    scenario = lf.create_scenario(forecast_config())
    lf.submit(scenario)
    forecast_config(predict_fn=predict_rounded)  # a notebook re-configuring the task
    again = lf.submit(scenario)
    assert ran(again) == ["predict", "planning"]
    assert run_reason(again.jobs[1]) == "code of predict changed"
    assert run_reason(again.jobs[2]) == "upstream predict ran"  # its value came back identical


def test_without_check_dependencies_an_identical_upstream_result_stops_the_rerun(running: Path) -> None:
    scenario = lf.create_scenario(forecast_config())
    lf.submit(scenario)
    forecast_config(predict_fn=predict_rounded)
    lf.settings.check_dependencies = False
    try:
        again = lf.submit(scenario)
    finally:
        lf.settings.check_dependencies = True
    assert statuses(again) == {"training": "SKIPPED", "predict": "COMPLETED", "planning": "SKIPPED"}


def test_docstrings_comments_and_layout_are_not_code_changes(running: Path) -> None:
    original = _load(
        running,
        "model_v1",
        """
        def predict(trained_model, current_month):
            return {"month": current_month, "sales": trained_model}
        """,
    )
    reformatted = _load(
        running,
        "model_v2",
        '''
        def predict(trained_model,
                    current_month):
            """Predict the month's sales."""
            # the model is the mean; no seasonality yet
            return {"month": current_month,   "sales": trained_model}
        ''',
    )
    changed = _load(
        running,
        "model_v3",
        """
        def predict(trained_model, current_month):
            return {"month": current_month, "sales": trained_model + 1}
        """,
    )
    scenario = lf.create_scenario(forecast_config(predict_fn=original))
    lf.submit(scenario)
    forecast_config(predict_fn=reformatted)
    assert ran(lf.submit(scenario)) == []
    forecast_config(predict_fn=changed)
    assert ran(lf.submit(scenario)) == ["predict", "planning"]


def test_an_explicit_code_version_replaces_the_source(running: Path) -> None:
    scenario = lf.create_scenario(forecast_config(code_version="1"))
    lf.submit(scenario)
    forecast_config(predict_fn=predict_rounded, code_version="1")
    assert ran(lf.submit(scenario)) == []  # same declared version: the code is trusted to be equivalent
    forecast_config(predict_fn=predict_rounded, code_version="2")
    again = lf.submit(scenario)
    assert ran(again) == ["predict", "planning"] and run_reason(again.jobs[1]) == "code of predict changed"


def test_force_bypasses_every_check(running: Path) -> None:
    scenario = lf.create_scenario(forecast_config())
    lf.submit(scenario)
    forced = lf.submit(scenario, force=True)
    assert ran(forced) == ["training", "predict", "planning"]
    assert {run_reason(job) for job in forced.jobs} == {"forced"}


def test_an_expired_output_is_recomputed(running: Path) -> None:
    a = Config.configure_data_node("a", default_data=3)
    fresh = Config.configure_data_node("fresh", validity_period=timedelta(days=1))
    stale = Config.configure_data_node("stale", validity_period=timedelta(microseconds=1))
    config = Config.configure_scenario(
        "validity",
        [
            Config.configure_task("keep", double, a, fresh, skippable=True),
            Config.configure_task("redo", double, a, stale, skippable=True),
        ],
    )
    scenario = lf.create_scenario(config)
    lf.submit(scenario)
    again = lf.submit(scenario)
    by_task = {job.task.config_id: job for job in again.jobs}
    assert by_task["keep"].status.name == "SKIPPED"
    assert by_task["redo"].status.name == "COMPLETED" and run_reason(by_task["redo"]) == "output stale expired"


def test_a_validity_period_that_is_not_a_duration_is_refused_before_anything_is_written(workdir: Path) -> None:
    Config.configure_data_node("a", validity_period=5)  # type: ignore[arg-type]
    with pytest.raises(ConfigCheckError, match="validity_period must be a positive timedelta"):
        lf.Orchestrator().run()
    assert not (workdir / ".ledgerflow").exists()


def test_a_file_edited_outside_is_recorded_and_reruns_its_tasks(running: Path) -> None:
    a = Config.configure_pickle_data_node("a", path=str(running / "a.p"), default_data=3)
    b = Config.configure_data_node("b")
    config = Config.configure_scenario("files", [Config.configure_task("t", double, a, b, skippable=True)])
    scenario = lf.create_scenario(config)
    lf.submit(scenario)
    (running / "a.p").write_bytes(pickle.dumps(3, protocol=5))  # same content, new mtime
    assert ran(lf.submit(scenario)) == [] and len(scenario.a.edits) == 1
    (running / "a.p").write_bytes(pickle.dumps(5, protocol=5))
    again = lf.submit(scenario)
    assert ran(again) == ["t"] and run_reason(again.jobs[0]) == "input a changed"
    assert scenario.a.edits[-1]["kind"] == "external" and scenario.b.read() == 10
    assert scenario.a.read(version=1) == 3  # the edited file's earlier value stays readable


def test_resume_reruns_only_the_failed_and_abandoned_tasks(running: Path) -> None:
    scenario = lf.create_scenario(forecast_config(skippable=False, plan_fn=plan_badly))
    failed = lf.submit(scenario)
    assert statuses(failed) == {"training": "COMPLETED", "predict": "COMPLETED", "planning": "FAILED"}
    forecast_config(skippable=False)  # the fix
    resumed = lf.submit(scenario, resume=True)
    assert statuses(resumed) == {"training": "SKIPPED", "predict": "SKIPPED", "planning": "COMPLETED"}
    assert resumed.properties == {"resume": True}
    assert scenario.production_orders.read() == 110


def test_resume_after_an_abandoned_task(running: Path) -> None:
    scenario = lf.create_scenario(forecast_config(skippable=False, predict_fn=plan_badly))
    failed = lf.submit(scenario)
    assert statuses(failed) == {"training": "COMPLETED", "predict": "FAILED", "planning": "ABANDONED"}
    forecast_config(skippable=False)
    assert ran(lf.submit(scenario, resume=True)) == ["predict", "planning"]
