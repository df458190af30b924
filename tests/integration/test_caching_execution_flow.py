"""Taipy's execution-flow document as tests: its three situations and its two multi-scenario options.

The graph: sales history -> training -> trained model; trained model + current month -> predict ->
sales predictions; sales predictions + capacity -> planning -> production orders.
"""

from __future__ import annotations

from pathlib import Path

from forecasting import CREATED, forecast_config, ran, run_reason, statuses

import ledgerflow as lf
from ledgerflow import Scope


def test_situation_1_non_skippable_tasks_all_rerun(running: Path) -> None:
    scenario = lf.create_scenario(forecast_config(skippable=False))
    lf.submit(scenario)
    again = lf.submit(scenario)
    assert ran(again) == ["training", "predict", "planning"]
    assert {run_reason(job) for job in again.jobs} == {"task is not skippable"}


def test_situation_2_nothing_changed_nothing_runs(running: Path) -> None:
    scenario = lf.create_scenario(forecast_config())
    first = lf.submit(scenario)
    assert ran(first) == ["training", "predict", "planning"]
    assert scenario.production_orders.read() == 110
    again = lf.submit(scenario)
    assert statuses(again) == {"training": "SKIPPED", "predict": "SKIPPED", "planning": "SKIPPED"}
    assert run_reason(again.jobs[0]) == "outputs are up to date"


def test_situation_2_rewriting_identical_values_runs_nothing(running: Path) -> None:
    scenario = lf.create_scenario(forecast_config())
    lf.submit(scenario)
    scenario.sales_history.write([100, 120, 110])  # Taipy would re-run everything: a newer edit date
    scenario.current_month.write("January")
    scenario.capacity.write(200)
    assert ran(lf.submit(scenario)) == []


def test_situation_3_capacity_changed_only_planning_runs(running: Path) -> None:
    scenario = lf.create_scenario(forecast_config())
    lf.submit(scenario)
    scenario.capacity.write(50)
    again = lf.submit(scenario)
    assert ran(again) == ["planning"]
    assert run_reason(again.jobs[2]) == "input capacity changed"
    assert scenario.production_orders.read() == 50


def test_situation_3_current_month_changed_predict_and_planning_run(running: Path) -> None:
    scenario = lf.create_scenario(forecast_config())
    lf.submit(scenario)
    scenario.current_month.write("February")
    again = lf.submit(scenario)
    assert ran(again) == ["predict", "planning"]
    assert run_reason(again.jobs[1]) == "input current_month changed"
    assert scenario.sales_predictions.read() == {"month": "February", "sales": 165.0}
    assert scenario.production_orders.read() == 165


def test_option_1_scenario_scope_keeps_scenarios_independent(running: Path) -> None:
    config = forecast_config(month_scope=Scope.SCENARIO)
    first = lf.create_scenario(config, creation_date=CREATED)
    second = lf.create_scenario(config, creation_date=CREATED)
    lf.submit(first)
    second.current_month.write("February")
    assert first.current_month.read() == "January"
    assert ran(lf.submit(first)) == []
    assert first.sales_predictions.read()["month"] == "January"


def test_option_2_cycle_scope_shares_current_month_so_scenario_1_reruns(running: Path) -> None:
    config = forecast_config(month_scope=Scope.CYCLE)
    first = lf.create_scenario(config, creation_date=CREATED)
    second = lf.create_scenario(config, creation_date=CREATED)
    assert first.current_month == second.current_month  # the same entity
    lf.submit(first)
    second.current_month.write("February")
    again = lf.submit(first)
    assert ran(again) == ["predict", "planning"]
    assert first.sales_predictions.read() == {"month": "February", "sales": 165.0}


def test_option_2_global_scope_shares_current_month_so_scenario_1_reruns(running: Path) -> None:
    config = forecast_config(month_scope=Scope.GLOBAL)
    first = lf.create_scenario(config)
    second = lf.create_scenario(config)
    lf.submit(first)
    lf.submit(second)  # same month: its own tasks run once, scenario 1's stay valid
    assert ran(lf.submit(first)) == []
    second.current_month.write("March")
    assert ran(lf.submit(first)) == ["predict", "planning"]
    assert first.production_orders.read() == 200  # 110 * 2.0 = 220, capped by capacity
