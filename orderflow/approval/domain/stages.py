"""How a stage decides (P4.1): one approver, all of a group (会签), any one (或签).

Pure Python. Statuses are the task statuses of orderflow.approval.models.TaskStatus.
"""

from collections.abc import Sequence
from enum import StrEnum


class Mode(StrEnum):
    SINGLE = "single"
    ALL = "all"
    ANY = "any"


PENDING, APPROVED = "pending", "approved"
# Tasks of the stage's current activation; returned, closed and voided ones are history.
LIVE = frozenset({PENDING, APPROVED})


def pick_assignees(mode: str, candidate_ids: Sequence[int]) -> list[int]:
    """Who gets a task: everyone for a group; for SINGLE the first candidate (the
    candidates come ordered by user id, so it is the longest-standing holder)."""
    unique = list(dict.fromkeys(candidate_ids))
    if Mode(mode) == Mode.SINGLE:
        return unique[:1]
    return unique


def stage_complete(mode: str, statuses: Sequence[str]) -> bool:
    """Whether the stage is approved, given the statuses of its current tasks.

    SINGLE and ANY: one approval completes it (ANY closes the others);
    ALL: every current task is approved.
    """
    live = [s for s in statuses if s in LIVE]
    if not live:
        return False
    if Mode(mode) == Mode.ALL:
        return all(s == APPROVED for s in live)
    return APPROVED in live


def closes_others_on_completion(mode: str) -> bool:
    """An ANY stage closes the other pending tasks once one approval completes it."""
    return Mode(mode) != Mode.ALL


def stage_timing(hours: int) -> tuple[int, int]:
    """(remind before the deadline, escalate to the division leader after it), in
    working hours, for a step with a limit of `hours` (P3.3.2 applied to P4.1):
    a reminder up to 2 hours (a quarter of the limit) before the deadline, the
    division leader after half the limit again overdue. No limit: neither."""
    if hours <= 0:
        return 0, 0
    return min(2, hours // 4), max(1, hours // 2)
