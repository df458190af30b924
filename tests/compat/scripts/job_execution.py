"""Taipy's job-execution tutorial in standalone mode (configuration at the top level, the run guarded)."""

import time

import ledgerflow as tp
from ledgerflow import Config


def double(nb: int) -> int:
    return nb * 2


def add(nb: int) -> int:
    time.sleep(0.2)
    return nb + 10


Config.configure_job_executions(mode="standalone", max_nb_of_workers=2)
input_cfg = Config.configure_data_node("input", default_data=21)
intermediate_cfg = Config.configure_data_node("intermediate")
output_cfg = Config.configure_data_node("output")
double_cfg = Config.configure_task("double", double, input_cfg, intermediate_cfg)
add_cfg = Config.configure_task("add", add, intermediate_cfg, output_cfg)
scenario_cfg = Config.configure_scenario("my_scenario", [double_cfg, add_cfg])

if __name__ == "__main__":
    tp.Orchestrator().run()
    scenario_1 = tp.create_scenario(scenario_cfg)
    scenario_2 = tp.create_scenario(scenario_cfg)
    scenario_1.submit()
    scenario_2.submit()
    scenario_1.submit(wait=True)
    scenario_2.submit(wait=True, timeout=30)
    print("outputs", scenario_1.output.read(), scenario_2.output.read())
    tp.Orchestrator().stop()
