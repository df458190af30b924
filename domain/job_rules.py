"""The rules a job status change must pass, each small and named (Prefect's policy style)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from ledgerflow.domain.enums import FINISHED_STATUSES, Status
from ledgerflow.domain.errors import IllegalJobTransition


class TransitionRule:
    """A rule that refuses some job status changes."""

    name: ClassVar[str] = "TransitionRule"

    def refuses(self, current: Status, proposed: Status) -> bool:
        """True when the rule forbids going from ``current`` to ``proposed``."""
        raise NotImplementedError


class PreventLeavingFinishedStates(TransitionRule):
    """A finished job (completed, failed, canceled, skipped, abandoned) never changes again."""

    name = "PreventLeavingFinishedStates"

    def refuses(self, current: Status, proposed: Status) -> bool:
        return current in FINISHED_STATUSES


class PreventDuplicateTransitions(TransitionRule):
    """A job cannot move to the status it already has."""

    name = "PreventDuplicateTransitions"

    def refuses(self, current: Status, proposed: Status) -> bool:
        return current is proposed


class PreventReturnToSubmitted(TransitionRule):
    """SUBMITTED is only ever the first status of a job."""

    name = "PreventReturnToSubmitted"

    def refuses(self, current: Status, proposed: Status) -> bool:
        return proposed is Status.SUBMITTED


class PreventRunningUnlessPending(TransitionRule):
    """Only a PENDING job can start RUNNING or be SKIPPED."""

    name = "PreventRunningUnlessPending"

    def refuses(self, current: Status, proposed: Status) -> bool:
        return proposed in (Status.RUNNING, Status.SKIPPED) and current is not Status.PENDING


class PreventResultsUnlessRunning(TransitionRule):
    """Only a RUNNING job can end COMPLETED or FAILED."""

    name = "PreventResultsUnlessRunning"

    def refuses(self, current: Status, proposed: Status) -> bool:
        return proposed in (Status.COMPLETED, Status.FAILED) and current is not Status.RUNNING


class PreventBlockingAfterDispatch(TransitionRule):
    """A job can be BLOCKED only right after it is submitted or while PENDING."""

    name = "PreventBlockingAfterDispatch"

    def refuses(self, current: Status, proposed: Status) -> bool:
        return proposed is Status.BLOCKED and current not in (Status.SUBMITTED, Status.PENDING)


class PreventAbandoningRunningJobs(TransitionRule):
    """A running job finishes, fails or is canceled; it is never ABANDONED."""

    name = "PreventAbandoningRunningJobs"

    def refuses(self, current: Status, proposed: Status) -> bool:
        return proposed is Status.ABANDONED and current is Status.RUNNING


JOB_TRANSITION_RULES: Sequence[TransitionRule] = (
    PreventLeavingFinishedStates(),
    PreventDuplicateTransitions(),
    PreventReturnToSubmitted(),
    PreventRunningUnlessPending(),
    PreventResultsUnlessRunning(),
    PreventBlockingAfterDispatch(),
    PreventAbandoningRunningJobs(),
)


def _first_refusals() -> dict[tuple[Status, Status], TransitionRule]:
    """For each refused (current, proposed) pair, the first rule that refuses it."""
    refusals = {}
    for current in Status:
        for proposed in Status:
            rule = next((r for r in JOB_TRANSITION_RULES if r.refuses(current, proposed)), None)
            if rule is not None:
                refusals[current, proposed] = rule
    return refusals


#: The rules above, judged once for every pair of statuses (jobs change status very often).
_REFUSED = _first_refusals()


def check_transition(job_id: str, current: Status, proposed: Status, retry: bool = False) -> None:
    """Raise ``IllegalJobTransition`` naming the first rule that refuses the change."""
    rule = _REFUSED.get((current, proposed))
    if rule is None or (retry and current is Status.RUNNING and proposed is Status.PENDING):
        return
    raise IllegalJobTransition(
        f"Job {job_id} cannot go from {current.name} to {proposed.name}: "
        f"refused by rule {rule.name} ({type(rule).__doc__})"
    )
