"""The execution-flow document's pipeline: training -> predict -> planning (importable as ``forecasting``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ledgerflow import Config, Frequency, Scope

MONTH_FACTORS = {"January": 1.0, "February": 1.5, "March": 2.0}


def train(sales_history: list[int]) -> float:
    """The trained model: the mean of past sales."""
    return sum(sales_history) / len(sales_history)


def predict(trained_model: float, current_month: str) -> dict[str, Any]:
    return {"month": current_month, "sales": trained_model * MONTH_FACTORS[current_month]}


def predict_rounded(trained_model: float, current_month: str) -> dict[str, Any]:
    return {"month": current_month, "sales": round(trained_model * MONTH_FACTORS[current_month], -1)}


def plan(sales_predictions: dict[str, Any], capacity: int) -> int:
    return int(min(sales_predictions["sales"], capacity))


def plan_badly(sales_predictions: dict[str, Any], capacity: int) -> int:
    raise RuntimeError(f"planning cannot handle a capacity of {capacity}")


CREATED = datetime(2024, 1, 15)


def forecast_config(
    skippable: bool = True,
    month_scope: Scope = Scope.SCENARIO,
    predict_fn: Any = predict,
    plan_fn: Any = plan,
    **predict_props: Any,
) -> Any:
    """sales history -> training -> trained model; trained model + current month -> predict -> sales
    predictions; sales predictions + capacity -> planning -> production orders."""
    sales_history = Config.configure_data_node("sales_history", default_data=[100, 120, 110])
    trained_model = Config.configure_data_node("trained_model")
    current_month = Config.configure_data_node("current_month", scope=month_scope, default_data="January")
    sales_predictions = Config.configure_data_node("sales_predictions")
    capacity = Config.configure_data_node("capacity", default_data=200)
    production_orders = Config.configure_data_node("production_orders")
    training = Config.configure_task("training", train, sales_history, trained_model, skippable=skippable)
    predicting = Config.configure_task(
        "predict", predict_fn, [trained_model, current_month], sales_predictions, skippable=skippable, **predict_props
    )
    planning = Config.configure_task(
        "planning", plan_fn, [sales_predictions, capacity], production_orders, skippable=skippable
    )
    frequency = Frequency.MONTHLY if month_scope is Scope.CYCLE else None
    return Config.configure_scenario("forecast", [training, predicting, planning], frequency=frequency)


def statuses(submission: Any) -> dict[str, str]:
    """Each job's status name by task config id."""
    return {job.task.config_id: job.status.name for job in submission.jobs}


def ran(submission: Any) -> list[str]:
    """The tasks whose job ran to completion, in run order."""
    return [job.task.config_id for job in submission.jobs if job.status.name == "COMPLETED"]


def run_reason(job: Any) -> str | None:
    """Why the job ran (the reason recorded with RUNNING) or was skipped."""
    for status, _, reason in job.status_change_records:
        if status.name in ("RUNNING", "SKIPPED"):
            return reason
    return None
