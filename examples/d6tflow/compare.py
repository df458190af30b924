"""Compare two models with ``WorkflowMulti``: one flow per parameter set, the shared upstream run once."""

from tasks import TaskModel

import ledgerflow.d6tflow as d6tflow

if __name__ == "__main__":
    flows = d6tflow.WorkflowMulti(TaskModel, {"ols": {"model": "ols"}, "mean": {"model": "mean"}})
    flows.preview(flow="ols")
    flows.run()
    for name, meta in flows.outputLoadMeta().items():
        print(f"{name}: r2={meta['r2']} model={flows.outputLoad(flow=name)}")
