"""Production rules as plain Python (P5.1): what a progress report means for its task,
how the plan's progress adds up, when a problem or a request is late. No Django."""

import datetime as dt

PLANNED, IN_PROGRESS, DONE = "planned", "in_progress", "done"


def task_status_for(percent_done: int) -> str:
    """P5.1.4: the task's status its latest % done implies (0 planned, 1-99 in progress,
    100 done)."""
    if percent_done >= 100:
        return DONE
    if percent_done <= 0:
        return PLANNED
    return IN_PROGRESS


def plan_percent(percents: list[int]) -> int | None:
    """The plan's % done: the simple average of its tasks (None without tasks). Tasks of
    different products have quantities in different units, so quantities do not weigh."""
    if not percents:
        return None
    return round(sum(percents) / len(percents))


def is_overdue(due: dt.date | None, today: dt.date) -> bool:
    """A problem or request is late when its date has passed (and it is still open)."""
    return due is not None and due < today


def is_latest(reported_on: dt.date, latest_on: dt.date | None) -> bool:
    """Whether a new report (dated `reported_on`) is the task's latest: a back-dated report
    is kept as history and does not overwrite a newer one on the task (P5.1.4)."""
    return latest_on is None or reported_on >= latest_on
