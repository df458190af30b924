"""d6tflow's workflow verbs: preview, run, reset, WorkflowMulti, settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from forecasting import forecast_config, plan_badly, predict_rounded, ran, statuses
from pipelines import double

import ledgerflow as lf
from ledgerflow import Config
from ledgerflow.domain.errors import NonExistingDataNodeConfig, NonExistingTaskConfig
from ledgerflow.service import session


def _states(plan: lf.Workflow) -> dict[str, tuple[str, str]]:
    return {t.config_id: (t.state, t.reason) for t in plan.tasks}  # type: ignore[attr-defined]


def _log_end() -> int:
    runtime = session.current().runtime
    runtime.flush()
    return runtime.store.max_position()


def test_preview_before_the_first_run_creates_nothing(running: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flow = lf.Workflow(forecast_config())
    plan = flow.preview()
    printed = capsys.readouterr().out
    assert "└─ planning: would run (never ran)" in printed and "3 tasks: 3 would run" in printed
    assert flow.scenario is None and lf.get_scenarios() == [] and plan.in_state("would run")


def test_a_task_whose_input_has_no_data_is_pending(running: Path) -> None:
    a = Config.configure_data_node("a")
    b = Config.configure_data_node("b")
    c = Config.configure_data_node("c")
    config = Config.configure_scenario(
        "waiting", [Config.configure_task("first", double, a, b), Config.configure_task("second", double, b, c)]
    )
    flow = lf.Workflow(config)
    assert _states(flow.plan()) == {
        "first": ("pending", "input a has no data"),
        "second": ("pending", "upstream first is pending"),
    }
    submission = flow.run(execution_summary=False)
    assert statuses(submission) == {"first": "BLOCKED", "second": "BLOCKED"}
    assert _states(flow.plan())["first"] == ("pending", "input a has no data")
    assert _states(lf.Workflow(config, {"a": 2}).plan())["first"] == ("would run", "output b was never written")


def test_preview_says_what_changed_and_run_does_exactly_that(running: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = forecast_config()
    lf.Workflow(config).run()
    february = lf.Workflow(config, {"current_month": "February"})  # same name: the same scenario
    assert _states(february.preview()) == {
        "training": ("would skip", "outputs are up to date"),
        "predict": ("would run", "input current_month changed"),
        "planning": ("would run", "upstream predict will run"),
    }
    printed = capsys.readouterr().out
    assert "   └─ predict: would run (input current_month changed)" in printed
    submission = february.run(execution_summary=False)
    assert ran(submission) == ["predict", "planning"] and len(lf.get_scenarios()) == 1
    assert february.plan().in_state("would skip") == ["training", "predict", "planning"]
    edits = len(february.scenario.current_month.edits)  # type: ignore[union-attr]
    assert ran(february.run()) == [] and len(february.scenario.current_month.edits) == edits  # type: ignore[union-attr]


def test_preview_shows_code_changes_forcing_and_non_skippable_tasks(running: Path) -> None:
    flow = lf.Workflow(forecast_config(skippable=False))
    flow.run()
    assert flow.plan().in_state("would skip") == ["training", "predict", "planning"]  # complete tasks do not re-run
    forecast_config(skippable=False, predict_fn=predict_rounded)
    assert flow.plan()["predict"].reason == "code of predict changed"
    assert _states(flow.plan(force="training"))["training"] == ("would run", "forced")
    assert flow.plan(forced_all_upstream=True).in_state("would run") == ["training", "predict", "planning"]
    assert ran(flow.run(force="training")) == ["training", "predict", "planning"]


def test_reset_records_an_invalidation_and_keeps_history(running: Path) -> None:
    flow = lf.Workflow(forecast_config())
    flow.run()
    scenario = flow.scenario
    assert scenario is not None
    assert flow.reset("predict") == ["predict", "planning"]
    assert _states(flow.plan()) == {
        "training": ("would skip", "outputs are up to date"),
        "predict": ("would run", "reset"),
        "planning": ("would run", "upstream predict was reset"),
    }
    assert ran(flow.run()) == ["predict", "planning"]
    assert len(scenario.sales_predictions.edits) == 2 and scenario.sales_predictions.read(version=1)["sales"] == 110
    assert flow.reset("training", downstream=False) == ["training"]


def test_reset_of_an_unknown_task_is_refused_and_writes_nothing(running: Path) -> None:
    flow = lf.Workflow(forecast_config())
    flow.run()
    before = _log_end()
    with pytest.raises(NonExistingTaskConfig, match=r"'forecast_task' is not part of workflow 'forecast'.*predict"):
        flow.reset("forecast_task")
    assert _log_end() == before


def test_parameters_naming_no_input_data_node_are_refused_and_write_nothing(running: Path) -> None:
    config = forecast_config()
    lf.Workflow(config).run()
    before = _log_end()
    with pytest.raises(NonExistingDataNodeConfig, match=r"'month' .* use one of capacity, current_month, sales"):
        lf.Workflow(config, {"month": "May"})
    with pytest.raises(NonExistingDataNodeConfig, match="'trained_model'"):  # written by a task: not a parameter
        lf.WorkflowMulti(config, {"ok": {"capacity": 1}, "bad": {"trained_model": 1.0}})
    assert _log_end() == before


def test_workflow_multi_keeps_one_scenario_per_named_parameter_set(running: Path) -> None:
    config = forecast_config()
    flows = lf.WorkflowMulti(config, {"jan": {"current_month": "January"}, "feb": {"current_month": "February"}})
    first = flows.run(execution_summary=False)
    assert {name: ran(s) for name, s in first.items()} == {
        "jan": ["training", "predict", "planning"],
        "feb": ["training", "predict", "planning"],
    }
    assert sorted(s.name for s in lf.get_scenarios()) == ["feb", "jan"]
    assert flows["feb"].scenario.production_orders.read() == 165  # type: ignore[union-attr]
    assert all(ran(s) == [] for s in flows.run(execution_summary=False).values())
    march = lf.WorkflowMulti(config, {"feb": {"current_month": "March"}})  # reusing a name reuses its scenario
    assert ran(march.run(execution_summary=False)["feb"]) == ["predict", "planning"]
    assert sorted(s.name for s in lf.get_scenarios()) == ["feb", "jan"]
    assert flows["jan"].scenario.production_orders.read() == 110  # type: ignore[union-attr]


def test_execution_summary_counts_outcomes_and_shows_the_failing_frame(
    running: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = lf.Workflow(forecast_config(plan_fn=plan_badly))
    with pytest.raises(RuntimeError, match=r"^Exception found running flow, check trace$") as raised:
        flow.run()  # d6tflow's error, after the summary
    failed = raised.value.submission  # type: ignore[attr-defined]
    summary = capsys.readouterr().out
    assert statuses(failed)["planning"] == "FAILED"
    assert "* 2 ran:" in summary and "* 1 failed:" in summary
    assert "planning cannot handle a capacity of 200" in summary
    assert 'forecasting.py", line' in summary and "in plan_badly" in summary  # the user's own frame
    forecast_config()  # the fix
    fixed = flow.run()
    summary = capsys.readouterr().out
    assert ran(fixed) == ["planning"] and "* 2 skipped:" in summary and "* 1 ran:" in summary
    lf.settings.execution_summary = False
    try:
        flow.run()
    finally:
        lf.settings.execution_summary = True
    assert capsys.readouterr().out == ""


def test_without_check_dependencies_a_task_with_current_outputs_shows_complete(running: Path) -> None:
    flow = lf.Workflow(forecast_config())
    flow.run()
    flow.reset("training", downstream=False)
    assert flow.plan().in_state("would run") == ["training", "predict", "planning"]  # d6tflow's default
    lf.settings.check_dependencies = False
    try:
        plan = flow.plan()
        assert plan.in_state("complete") == ["predict"] and plan.in_state("would skip") == ["planning"]
        assert plan["predict"].reason == "outputs are current; checked again after training runs"
        assert ran(flow.run(execution_summary=False)) == ["training"]  # it wrote back the same model
    finally:
        lf.settings.check_dependencies = True


def test_a_workflow_of_a_task_config_is_that_task_and_its_upstream(running: Path) -> None:
    forecast_config()
    predicting = Config.tasks["predict"]
    flow = lf.Workflow(predicting)
    assert [t.config_id for t in flow.plan().tasks] == ["training", "predict"]
    assert ran(flow.run(execution_summary=False)) == ["training", "predict"]
    assert flow.plan(force=True).in_state("would run") == ["predict"]


def test_run_and_preview_of_a_task_target_it_and_its_upstream(running: Path) -> None:
    flow = lf.Workflow(forecast_config())
    assert [t.config_id for t in flow.plan("predict").tasks] == ["training", "predict"]
    assert ran(flow.run("predict", execution_summary=False)) == ["training", "predict"]  # not "force predict"
    assert ran(flow.run("predict", execution_summary=False)) == []
    assert ran(flow.run(["planning"], execution_summary=False)) == ["planning"]
    assert ran(flow.run("predict", forced_all=True, execution_summary=False)) == ["predict"]
    assert ran(flow.run(forced_all_upstream=True, confirm=False, execution_summary=False)) == [
        "training",
        "predict",
        "planning",
    ]


def test_an_all_skipped_run_never_reports_a_negative_duration(running: Path, capsys: pytest.CaptureFixture) -> None:
    flow = lf.Workflow(forecast_config())
    flow.run(execution_summary=False)
    for _ in range(5):
        flow.run()
        header = capsys.readouterr().out.splitlines()[1]
        assert "3 tasks in" in header and " in -" not in header


def test_an_input_read_by_a_read_fct_is_read_before_the_run(running: Path, tmp_path: Path) -> None:
    source = tmp_path / "rows.txt"
    source.write_text("1\n2\n")
    rows = Config.configure_generic_data_node("rows", read_fct=read_rows, read_fct_args=[str(source)])
    total = Config.configure_data_node("total")
    config = Config.configure_scenario("sums", [Config.configure_task("summing", sum, rows, total)])
    flow = lf.Workflow(config)
    assert ran(flow.run(execution_summary=False)) == ["summing"]  # it used to stay BLOCKED forever
    assert flow.scenario.total.read() == 3  # type: ignore[union-attr]
    assert ran(flow.run(execution_summary=False)) == []
    source.write_text("1\n2\n3\n")
    assert flow.plan()["summing"].reason == "input rows changed"
    assert ran(flow.run(execution_summary=False)) == ["summing"] and flow.scenario.total.read() == 6  # type: ignore[union-attr]


def read_rows(path: str) -> list[int]:
    return [int(line) for line in Path(path).read_text().split()]


def test_an_input_holding_its_default_follows_a_changed_default(running: Path) -> None:
    flow = lf.Workflow(forecast_config())
    flow.run(execution_summary=False)
    Config.configure_data_node("capacity", default_data=120)  # the script's default changed
    assert flow.plan()["planning"].reason == "input capacity changed"
    assert ran(flow.run(execution_summary=False)) == ["planning"]
    assert flow.scenario.production_orders.read() == 110  # type: ignore[union-attr]
    flow.scenario.capacity.write(90)  # type: ignore[union-attr]  # a value of the user's own...
    Config.configure_data_node("capacity", default_data=500)
    assert ran(flow.run(execution_summary=False)) == ["planning"]
    assert flow.scenario.capacity.read() == 90  # type: ignore[union-attr]  # ...is kept


def test_a_workflows_scenario_outlives_a_development_restart(running: Path) -> None:
    from ledgerflow.service.orchestrator import Orchestrator

    flow = lf.Workflow(forecast_config())
    flow.run(execution_summary=False)
    lf.create_scenario(Config.scenarios["forecast"])  # not a workflow's: replaced at the next start
    Orchestrator().stop()
    session.close()
    Orchestrator().run()
    Config.unblock_update()
    assert len(lf.get_scenarios()) == 1
    assert ran(lf.Workflow(forecast_config()).run(execution_summary=False)) == []
