"""d6tflow's ML chain: get the data -> preprocess it (or not) -> train a model.

Plain d6tflow code: only the import differs. ``watch`` is ledgerflow's: a change to ``data.csv``
re-runs TaskGetData and whatever depends on it. ``TaskModel`` trains the model its parameter
names, for ``compare.py``.
"""

from pathlib import Path

import pandas as pd

import ledgerflow.d6tflow as d6tflow

DATA = Path(__file__).with_name("data.csv")


class TaskGetData(d6tflow.tasks.TaskPqPandas):  # no parameter dependence
    watch = [str(DATA)]

    def run(self):
        self.save(pd.read_csv(DATA))


class TaskPreprocess(d6tflow.tasks.TaskCachePandas):
    do_preprocess = d6tflow.BoolParameter(default=True)  # parameter for preprocessing yes/no

    def requires(self):
        return TaskGetData()

    def run(self):
        df = self.inputLoad()
        if self.do_preprocess:
            df = df.assign(x=(df.x - df.x.mean()) / df.x.std())
        self.save(df)


def fit(df, model):
    """A least-squares line ("ols") or a flat mean ("mean"), and its R²."""
    slope = 0.0
    if model == "ols":
        slope = ((df.x - df.x.mean()) * (df.y - df.y.mean())).sum() / ((df.x - df.x.mean()) ** 2).sum()
    intercept = df.y.mean() - slope * df.x.mean()
    residuals = df.y - (intercept + slope * df.x)
    r2 = 1 - (residuals**2).sum() / ((df.y - df.y.mean()) ** 2).sum()
    return {"slope": round(float(slope), 4), "intercept": round(float(intercept), 4)}, round(float(r2), 4)


@d6tflow.requires(TaskPreprocess)  # passes do_preprocess upstream: no need to define it again
class TaskTrain(d6tflow.tasks.TaskPickle):
    def run(self):
        df = self.inputLoad()
        model, r2 = fit(df, "ols")
        self.save(model)
        self.saveMeta({"r2": r2})


@d6tflow.requires(TaskPreprocess)
class TaskModel(d6tflow.tasks.TaskPickle):
    model = d6tflow.Parameter(default="ols")  # "ols" or "mean"

    def run(self):
        model, r2 = fit(self.inputLoad(), self.model)
        self.save(model)
        self.saveMeta({"r2": r2})
