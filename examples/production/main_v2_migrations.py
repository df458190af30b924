"""Production mode, step 3: the changed application with migration functions to production version 2.0.

The functions live in the ``__main__`` script, as on Taipy's page: they run when version 2.0
starts, and ``ledgerflow manage-versions`` still reads the recorded config without importing them.
"""

import ledgerflow as tp
from ledgerflow import Config, Scope


def example_algorithm(entry: str):
    # does nothing!
    return entry


def migrate_datanode_scope(datanode):
    datanode.scope = Scope.GLOBAL
    return datanode


def migrate_skippable_task(task):
    task.skippable = True
    return task


input_cfg = Config.configure_data_node("my_input", path="input.pkl", scope=Scope.GLOBAL, default_data="A string")
output_cfg = Config.configure_data_node("my_output", path="output.pkl", scope=Scope.GLOBAL)
task_cfg = Config.configure_task("example_algorithm", example_algorithm, input_cfg, output_cfg, skippable=True)
scenario_cfg = Config.configure_scenario("my_scenario", [task_cfg])

Config.add_migration_function(target_version="2.0", config="my_input", migration_fct=migrate_datanode_scope)
Config.add_migration_function(target_version="2.0", config="my_output", migration_fct=migrate_datanode_scope)
Config.add_migration_function(target_version="2.0", config="example_algorithm", migration_fct=migrate_skippable_task)

if __name__ == "__main__":
    tp.Core().run()
    tp.create_scenario(scenario_cfg)
    print(f"Number of scenarios: {len(tp.get_scenarios())}")
