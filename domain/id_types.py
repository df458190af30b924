"""Taipy's entity id types: plain strings at run time, distinct types for type checkers."""

from __future__ import annotations

from typing import NewType

ScenarioId = NewType("ScenarioId", str)
SequenceId = NewType("SequenceId", str)
TaskId = NewType("TaskId", str)
DataNodeId = NewType("DataNodeId", str)
CycleId = NewType("CycleId", str)
JobId = NewType("JobId", str)
SubmissionId = NewType("SubmissionId", str)

__all__ = ["CycleId", "DataNodeId", "JobId", "ScenarioId", "SequenceId", "SubmissionId", "TaskId"]
