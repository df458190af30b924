"""Taipy's seed example (scenario count per run), with only the import changed."""

import ledgerflow as tp
from ledgerflow import Config


def example_algorithm(entry: str) -> str:
    return f"{entry} processed"


input_cfg = Config.configure_data_node("my_input", default_data="a_string")
output_cfg = Config.configure_data_node("my_output")
task_cfg = Config.configure_task("example_algorithm", example_algorithm, input_cfg, output_cfg)
scenario_cfg = Config.configure_scenario("my_scenario", [task_cfg])

if __name__ == "__main__":
    tp.Orchestrator().run()
    scenario = tp.create_scenario(scenario_cfg)
    submission = tp.submit(scenario)
    print(submission.jobs[0].status)
    print("Number of scenarios:", len(tp.get_scenarios()))
    tp.Orchestrator().stop()
