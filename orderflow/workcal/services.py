"""The company calendar (P3.3.2): working-hour deadlines, and the admin's changes to
holidays, make-up workdays (调休) and the working day.

A change applies to deadlines computed after it; deadlines already set are kept.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orderflow.audit import services as audit
from orderflow.core import clock
from orderflow.core.errors import NotFound
from orderflow.core.permissions import require
from orderflow.core.validation import Errors

from . import permissions  # noqa: F401  (registers the workcal.* rules)
from .domain.hours import (
    Deadlines,
    WorkCalendar,
    deadlines,
    period_problems,
    workday_problems,
)
from .models import CalendarDay, DayKind, WorkSchedule

__all__ = ["Deadlines", "calendar_day_delete", "calendar_day_set", "deadlines_for",
           "schedule_update", "sweep_timed_work"]

logger = logging.getLogger(__name__)

# Exceptions are loaded for this many days after the start (one query, no cache).
WINDOW_DAYS = 400
DEFAULT_WORKDAYS = [1, 2, 3, 4, 5]
_WEEKDAYS = range(1, 8)


def _work_calendar(first: dt.date, last: dt.date) -> WorkCalendar:
    row = WorkSchedule.objects.filter(pk=1).first() or WorkSchedule(
        workdays=list(DEFAULT_WORKDAYS))
    overrides = CalendarDay.objects.filter(date__range=(first, last)).values_list(
        "date", "kind")
    return WorkCalendar.build(
        tz=timezone.get_default_timezone(),
        periods=[(row.morning_start, row.morning_end),
                 (row.afternoon_start, row.afternoon_end)],
        workdays=row.workdays, overrides=overrides)


def deadlines_for(start: dt.datetime, *, hours: int, remind_before: int = 0,
                  leader_after: int = 0) -> Deadlines:
    """(due_at, remind_at, escalate_at) for work started at `start` with a limit of
    `hours` working hours (P3.3.2); all None when hours <= 0.

    remind_at = start + (hours - remind_before) working hours (None if remind_before <= 0),
    escalate_at = start + (hours + leader_after) working hours (None if leader_after <= 0).
    """
    if hours <= 0:
        return Deadlines(None, None, None)
    first = start.astimezone(timezone.get_default_timezone()).date()
    # Enough days for any limit: at least one working hour a working day is assumed.
    span = WINDOW_DAYS + int(hours) + max(int(leader_after), 0)
    calendar = _work_calendar(first, first + dt.timedelta(days=span))
    return deadlines(start, calendar, hours=hours, remind_before=max(remind_before, 0),
                     leader_after=max(leader_after, 0))


# -- the deadline sweep (P3.3.2) ------------------------------------------------------

# (moment, stamp): when the moment has passed and the stamp is empty, the step is due.
SWEEP_STEPS = (("remind_at", "reminded_at"), ("due_at", "escalated_head_at"),
               ("escalate_at", "escalated_leader_at"))


def sweep_timed_work(open_work, *, now: dt.datetime, limit: int,
                     handlers: dict[str, Callable], related: tuple[str, ...] = ()
                     ) -> dict[str, int]:
    """Run the due reminder and escalation steps of TimedWork rows (P3.3.2).

    `open_work` is a queryset of the rows still waiting; `handlers` maps a stamp field
    ("reminded_at", ...) to `handler(row, now)` that notifies and audits. Each row is
    claimed in its own transaction with SELECT ... FOR UPDATE SKIP LOCKED and its stamp
    written there, so several workers never handle a step twice; at most `limit` rows per
    step. Finding nothing costs one query per step. Returns counts per step.
    """
    result = {"failed": 0}
    for moment, stamp in SWEEP_STEPS:
        due = open_work.filter(**{f"{moment}__lte": now, f"{stamp}__isnull": True})
        ids = list(due.order_by(moment, "pk").values_list("pk", flat=True)[:max(limit, 0)])
        claim = due.select_related(*related) if related else due
        done = 0
        for pk in ids:
            outcome = _claim_and_handle(claim, pk, stamp, now, handlers[stamp])
            done += outcome is True
            result["failed"] += outcome is None
        result[stamp.removesuffix("_at")] = done
    return result


def local_time(moment: dt.datetime | None) -> str:
    """A deadline as the company reads it (its time zone, to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class SweepPeople:
    """Who a sweep tells, looked up once per sweep and department, not once per row."""

    def __init__(self):
        self._heads: dict = {}
        self._members: dict = {}
        self._leaders: list | None = None

    def head(self, code: str | None):
        from orderflow.accounts.selectors import department_head

        if code and code not in self._heads:
            self._heads[code] = department_head(code)
        return self._heads.get(code) if code else None

    def members(self, code: str) -> list:
        from orderflow.accounts.selectors import users_with

        if code not in self._members:
            self._members[code] = list(users_with(dept=code))
        return self._members[code]

    def leaders(self) -> list:
        from orderflow.accounts.domain.organisation import Role
        from orderflow.accounts.selectors import users_with

        if self._leaders is None:
            self._leaders = list(users_with(roles=[Role.DIVISION_LEADER]))
        return self._leaders


def _claim_and_handle(due, pk, stamp: str, now: dt.datetime, handler) -> bool | None:
    """True if handled here, False if another worker has it or it is no longer due,
    None if the handler failed (logged; retried on the next sweep)."""
    try:
        with transaction.atomic():
            row = due.select_for_update(skip_locked=True, of=("self",)).filter(pk=pk).first()
            if row is None:
                return False
            handler(row, now)
            type(row).objects.filter(pk=pk).update(**{stamp: now})
            return True
    except Exception:
        logger.exception("deadline sweep: %s %s for row %s failed", due.model.__name__,
                         stamp, pk)
        return None


# -- the admin's changes ------------------------------------------------------------

def _locked_schedule() -> WorkSchedule:
    """The schedule row, locked: every calendar change takes this lock, so a day and
    the weekly pattern it is checked against cannot change at the same time."""
    row, _created = WorkSchedule.objects.select_for_update().get_or_create(
        pk=1, defaults={"workdays": list(DEFAULT_WORKDAYS)})
    return row


def _check_day(errors: Errors, day: dt.date, kind: str, workdays) -> None:
    weekday_works = day.isoweekday() in workdays
    if kind == DayKind.HOLIDAY and not weekday_works:
        errors.add("date", _("%(date)s is already a day off; a public holiday only needs "
                             "to be entered on a working weekday.") % {"date": day})
    if kind == DayKind.WORKDAY and weekday_works:
        errors.add("date", _("%(date)s is already a working day; a make-up workday must "
                             "fall on a day off.") % {"date": day})


@transaction.atomic
def calendar_day_set(*, actor, date, kind, name="") -> CalendarDay:
    """Enter or change a public holiday or make-up workday (调休).

    Raises: NotPermitted (not a system admin), ValidationFailed.
    """
    require(actor, "workcal.manage_calendar")
    errors = Errors()
    day = errors.date("date", date)
    kind = errors.choice("kind", kind, DayKind.choices)
    name = errors.text("name", name, max_length=64)
    schedule = _locked_schedule()
    if day is not None and kind and "kind" not in errors.errors:
        _check_day(errors, day, kind, schedule.workdays)
    errors.raise_if_any()
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    before = {"kind": row.kind, "name": row.name} if row else None
    if row is None:
        row = CalendarDay(date=day)
    row.kind, row.name, row.updated_by = kind, name, actor
    row.save()
    audit.record(actor, "workcal.day_set", row, from_state=before["kind"] if before else "",
                 to_state=kind, data={"date": day, "kind": kind, "name": name,
                                      "before": before})
    return row


@transaction.atomic
def calendar_day_delete(*, actor, date) -> None:
    """Remove a holiday or make-up workday: the day follows the weekly pattern again.

    Raises: NotPermitted, ValidationFailed (bad date), NotFound (no entry that day).
    """
    require(actor, "workcal.manage_calendar")
    errors = Errors()
    day = errors.date("date", date)
    errors.raise_if_any()
    _locked_schedule()
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        raise NotFound(_("There is no calendar entry on %(date)s.") % {"date": day})
    audit.record(actor, "workcal.day_deleted", row, from_state=row.kind,
                 data={"date": day, "kind": row.kind, "name": row.name})
    row.delete()


def _time(errors: Errors, field: str, value) -> dt.time | None:
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    text = "" if value is None else str(value).strip()
    if not text:
        errors.add(field, _("This field is required."))
        return None
    try:
        return dt.time.fromisoformat(text).replace(second=0, microsecond=0)
    except ValueError:
        errors.add(field, _("Enter a valid time (HH:MM)."))
        return None


def _workdays(errors: Errors, value) -> list[int]:
    try:
        days = sorted({int(str(d).strip()) for d in (value or [])})
    except ValueError:
        errors.add("workdays", _("Choose weekdays from Monday to Sunday."))
        return []
    return days


_PROBLEM_MESSAGES = {
    "order": lambda: _("The end must be after the start."),
    "overlap": lambda: _("The afternoon must start after the morning ends."),
    "weekday": lambda: _("Choose weekdays from Monday to Sunday."),
    "none": lambda: _("Choose at least one working weekday."),
}


@transaction.atomic
def schedule_update(*, actor, morning_start, morning_end, afternoon_start, afternoon_end,
                    workdays) -> WorkSchedule:
    """Change the working day: two periods and the working weekdays.

    Raises: NotPermitted (not a system admin), ValidationFailed.
    """
    require(actor, "workcal.manage_calendar")
    errors = Errors()
    times = {field: _time(errors, field, value) for field, value in (
        ("morning_start", morning_start), ("morning_end", morning_end),
        ("afternoon_start", afternoon_start), ("afternoon_end", afternoon_end))}
    days = _workdays(errors, workdays)
    problems = {} if None in times.values() else period_problems(**times)
    if "workdays" not in errors.errors:
        problems.update(workday_problems(days))
    for field, code in problems.items():
        errors.add(field, _PROBLEM_MESSAGES[code]())
    errors.raise_if_any()
    row = _locked_schedule()
    fields = [*times, "workdays"]
    before = {f: _jsonable(getattr(row, f)) for f in fields}
    for field, value in times.items():
        setattr(row, field, value)
    row.workdays, row.updated_at, row.updated_by = days, clock.now(), actor
    row.save(update_fields=[*fields, "updated_at", "updated_by"])
    after = {f: _jsonable(getattr(row, f)) for f in fields}
    audit.record(actor, "workcal.schedule_updated", row,
                 data={"changes": {f: [before[f], after[f]] for f in fields
                                   if before[f] != after[f]}})
    return row


def _jsonable(value):
    return value.strftime("%H:%M") if isinstance(value, dt.time) else value
