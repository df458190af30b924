"""A golden-log app: monthly scenarios sharing cycle and global data, sequences, tags, primaries, deletion."""

from datetime import datetime

from pipelines import add, double

import ledgerflow as lf
from ledgerflow import Config, Frequency, Scope

rates = Config.configure_data_node("rates", scope=Scope.GLOBAL, default_data=10)
month = Config.configure_data_node("month", scope=Scope.CYCLE, default_data=2)
sales = Config.configure_data_node("sales")
forecast = Config.configure_data_node("forecast")
total = Config.configure_task("total", add, [rates, month], sales, skippable=True)
predict = Config.configure_task("predict", double, sales, forecast, skippable=True)
scenario_cfg = Config.configure_scenario(
    "planning", [total, predict], frequency=Frequency.MONTHLY, sequences={"sales_only": [total]}
)

if __name__ == "__main__":
    lf.Orchestrator().run()
    january = lf.create_scenario(scenario_cfg, creation_date=datetime(2024, 1, 10), name="january")
    alternative = lf.create_scenario(scenario_cfg, creation_date=datetime(2024, 1, 20), name="january b")
    february = lf.create_scenario(scenario_cfg, creation_date=datetime(2024, 2, 3), name="february")
    for scenario in (january, alternative, february):
        lf.submit(scenario)
    lf.submit(january)  # every job SKIPPED: nothing changed
    lf.tag(alternative, "optimistic")
    lf.set_primary(alternative)
    january.rates.write(12, editor_id="bob", comment="new rates")
    lf.submit(january.sales_only)
    lf.submit(february)
    lf.delete(january.id)
    print(len(lf.get_scenarios()), "scenarios")
