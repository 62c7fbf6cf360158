"""Reading the company calendar (P3.3.2): working hours between two moments, the
exceptions of a year, the weekly schedule."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from .domain.hours import WorkCalendar, hours_of, working_time_between
from .models import CalendarDay, WorkSchedule

DEFAULT_WORKDAYS = [1, 2, 3, 4, 5]


def schedule() -> WorkSchedule:
    """The working day (pk=1); an unsaved default if the row is missing."""
    return (WorkSchedule.objects.filter(pk=1).first()
            or WorkSchedule(pk=1, workdays=list(DEFAULT_WORKDAYS)))


def calendar_days(year: int) -> list[CalendarDay]:
    """The holidays and make-up workdays of a year, by date."""
    return list(CalendarDay.objects.filter(date__year=year).order_by("date"))


def work_calendar(first: dt.date, last: dt.date) -> WorkCalendar:
    """The calendar with the exceptions between first and last (two queries, no cache:
    another server may have changed it)."""
    row = schedule()
    overrides = CalendarDay.objects.filter(date__range=(first, last)).values_list(
        "date", "kind")
    return WorkCalendar.build(
        tz=timezone.get_default_timezone(),
        periods=[(row.morning_start, row.morning_end),
                 (row.afternoon_start, row.afternoon_end)],
        workdays=row.workdays, overrides=overrides)


def working_hours_between(start: dt.datetime, end: dt.datetime) -> Decimal:
    """Working hours from start to end on the company calendar (negative if end < start),
    to two decimal places."""
    tz = timezone.get_default_timezone()
    dates = sorted((start.astimezone(tz).date(), end.astimezone(tz).date()))
    return hours_of(working_time_between(start, end, work_calendar(*dates)))
