"""Run the chain as d6tflow's "Running Tasks and Managing Workflows" page does.

``python flow.py``: preview, run, print the model. A second run runs nothing. Options:
``--no-preprocess`` switches the parameter; ``--reset`` resets TaskGetData first.
"""

import sys

from tasks import TaskGetData, TaskTrain

import ledgerflow.d6tflow as d6tflow

if __name__ == "__main__":
    flow = d6tflow.Workflow(TaskTrain, {"do_preprocess": "--no-preprocess" not in sys.argv})
    if "--reset" in sys.argv:
        flow.reset(TaskGetData, confirm=False)
    flow.preview()
    flow.run()
    print("model:", flow.outputLoad())
    print("complete:", flow.get_task().complete())
