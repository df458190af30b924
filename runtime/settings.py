"""``ledgerflow.settings``: process-wide switches of the workflow verbs, named as in d6tflow."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Settings:
    """Switches read at each decision, so a change applies to the next run or preview.

    ``check_dependencies`` (default True): a task whose upstream task runs in the same submission
    runs too, even when that upstream task wrote back an identical value — d6tflow's "a task is
    complete only when its dependencies are". False judges each task on its own fingerprint when it
    is picked, so a re-run that changes nothing stops there; ``preview()`` then shows such a task as
    ``complete``.

    ``execution_summary`` (default True): ``Workflow.run()`` prints what ran, was skipped, failed or
    was abandoned, with durations.
    """

    check_dependencies: bool = True
    execution_summary: bool = True


settings = Settings()
