"""Taipy's execution-flow example, run the d6tflow way.

``ledgerflow run main.py --experiment forecast February`` previews, runs and prints the orders;
``ledgerflow preview main.py --version forecast`` tells what the next run would do, and why.
"""

import sys

import ledgerflow as lf
from ledgerflow import Config

SEASONALITY = {"January": 1.0, "February": 1.5, "March": 2.0}


def train(sales_history):
    return sum(sales_history) / len(sales_history)


def predict(trained_model, current_month):
    return trained_model * SEASONALITY[current_month]


def plan(sales_predictions, capacity):
    return min(sales_predictions, capacity)


sales_history = Config.configure_data_node("sales_history", default_data=[100, 120, 110])
trained_model = Config.configure_data_node("trained_model")
current_month = Config.configure_data_node("current_month", default_data="January")
sales_predictions = Config.configure_data_node("sales_predictions")
capacity = Config.configure_data_node("capacity", default_data=200)
production_orders = Config.configure_data_node("production_orders")

training = Config.configure_task("training", train, sales_history, trained_model, skippable=True)
predicting = Config.configure_task(
    "predict", predict, [trained_model, current_month], sales_predictions, skippable=True
)
planning = Config.configure_task("planning", plan, [sales_predictions, capacity], production_orders, skippable=True)
forecast = Config.configure_scenario("forecast", [training, predicting, planning])

if __name__ == "__main__":
    month = sys.argv[1] if len(sys.argv) > 1 else "January"
    lf.Orchestrator().run()
    flow = lf.Workflow(forecast, {"current_month": month})
    flow.preview()
    flow.run()
    print("production orders:", flow.scenario.production_orders.read())
    lf.Orchestrator().stop()
