"""A golden-log app: a chain whose middle task fails, then a re-run of that submission."""

from pipelines import double, fail, identity

import ledgerflow as lf
from ledgerflow import Config

numbers = Config.configure_data_node("numbers", default_data=[1, 2, 3])
doubled = Config.configure_data_node("doubled")
broken = Config.configure_data_node("broken")
kept = Config.configure_data_node("kept")
steps = [
    Config.configure_task("double_them", double, numbers, doubled),
    Config.configure_task("explode", fail, doubled, broken),
    Config.configure_task("keep", identity, broken, kept),
]
scenario_cfg = Config.configure_scenario("fragile", steps)

if __name__ == "__main__":
    lf.Orchestrator().run()
    scenario = lf.create_scenario(scenario_cfg, name="fragile one")
    submission = lf.submit(scenario)
    scenario.numbers.write([4, 5], editor_id="alice", comment="retry with other numbers")
    lf.submit(scenario)
    print(lf.rerun(submission.id))
