"""Working-hour arithmetic on the company calendar (P3.3.2). Pure Python, no Django.

A day works if it is a make-up workday (调休), or a working weekday that is not a public
holiday. A working day has the schedule's periods (morning and afternoon) in the company's
time zone. Counting always begins at the next working moment at or after the start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

UTC = dt.UTC
_ONE_HOUR_US = 3_600_000_000
# A calendar with no working day at all would loop for ever; no real deadline needs
# more than this many days.
MAX_DAYS = 3_660


class NoWorkingTime(ValueError):
    """The calendar has no working moment within MAX_DAYS of the start."""


@dataclass(frozen=True)
class WorkCalendar:
    """The weekly pattern, its exceptions and the time zone the clock on the wall shows."""

    tz: dt.tzinfo
    periods: tuple[tuple[dt.time, dt.time], ...]
    workdays: frozenset[int]                      # ISO weekdays, 1 = Monday
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    makeup_days: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def build(cls, *, tz, periods, workdays: Iterable[int],
              overrides: Iterable[tuple[dt.date, str]] = ()) -> WorkCalendar:
        """From rows: overrides are (date, "holiday" | "workday") pairs."""
        overrides = list(overrides)
        return cls(tz=tz, periods=tuple(tuple(p) for p in periods),
                   workdays=frozenset(int(d) for d in workdays),
                   holidays=frozenset(d for d, kind in overrides if kind == "holiday"),
                   makeup_days=frozenset(d for d, kind in overrides if kind == "workday"))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        return day in self.makeup_days or day.isoweekday() in self.workdays

    def working_spans(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The day's working periods as UTC instants (empty on a day off)."""
        if not self.is_working_day(day):
            return []
        return [(_instant(day, start, self.tz), _instant(day, end, self.tz))
                for start, end in self.periods]


def _instant(day: dt.date, time: dt.time, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=tz).astimezone(UTC)


def _require_aware(moment: dt.datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("working-hour arithmetic needs timezone-aware datetimes")


def to_timedelta(hours) -> dt.timedelta:
    """Hours (int, Decimal, str or float) as an exact timedelta, to the microsecond."""
    micro = (Decimal(str(hours)) * _ONE_HOUR_US).to_integral_value(ROUND_HALF_UP)
    return dt.timedelta(microseconds=int(micro))


def add_working_hours(start: dt.datetime, hours, calendar: WorkCalendar) -> dt.datetime:
    """The moment `hours` working hours after `start`; zero hours gives the next working
    moment. Raises: ValueError for negative hours or a naive start; NoWorkingTime."""
    _require_aware(start)
    remaining = to_timedelta(hours)
    if remaining < dt.timedelta(0):
        raise ValueError("hours must not be negative")
    cursor = start.astimezone(UTC)
    day = start.astimezone(calendar.tz).date()
    for _ in range(MAX_DAYS):
        for span_start, span_end in calendar.working_spans(day):
            if span_end <= cursor:
                continue
            begin = max(span_start, cursor)
            if remaining <= span_end - begin:
                return (begin + remaining).astimezone(calendar.tz)
            remaining -= span_end - begin
            cursor = span_end
        day += dt.timedelta(days=1)
    raise NoWorkingTime(f"no working time within {MAX_DAYS} days of {start.isoformat()}")


def working_time_between(start: dt.datetime, end: dt.datetime,
                         calendar: WorkCalendar) -> dt.timedelta:
    """Working time from start to end; negative when end is before start."""
    _require_aware(start)
    _require_aware(end)
    if end < start:
        return -working_time_between(end, start, calendar)
    start_utc, end_utc = start.astimezone(UTC), end.astimezone(UTC)
    day = start.astimezone(calendar.tz).date()
    last = end.astimezone(calendar.tz).date()
    total = dt.timedelta(0)
    while day <= last:
        for span_start, span_end in calendar.working_spans(day):
            overlap = min(span_end, end_utc) - max(span_start, start_utc)
            if overlap > dt.timedelta(0):
                total += overlap
        day += dt.timedelta(days=1)
    return total


def hours_of(delta: dt.timedelta, *, places: int = 2) -> Decimal:
    """A timedelta as Decimal hours, rounded half up to `places`."""
    micro = Decimal(delta // dt.timedelta(microseconds=1))
    return (micro / _ONE_HOUR_US).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


class Deadlines(NamedTuple):
    due_at: dt.datetime | None
    remind_at: dt.datetime | None
    escalate_at: dt.datetime | None


def deadlines(start: dt.datetime, calendar: WorkCalendar, *, hours, remind_before=0,
              leader_after=0) -> Deadlines:
    """(due_at, remind_at, escalate_at) for work of `hours` working hours (P3.3.2).

    No time limit (hours <= 0) means no deadline at all. remind_at = start +
    (hours - remind_before) working hours (the next working moment if the reminder
    lead is the whole limit or more); escalate_at = start + (hours + leader_after).
    """
    hours, remind_before, leader_after = (Decimal(str(v)) for v in
                                          (hours, remind_before, leader_after))
    if hours <= 0:
        return Deadlines(None, None, None)
    due_at = add_working_hours(start, hours, calendar)
    remind_at = (add_working_hours(start, max(hours - remind_before, Decimal(0)), calendar)
                 if remind_before > 0 else None)
    escalate_at = (add_working_hours(start, hours + leader_after, calendar)
                   if leader_after > 0 else None)
    return Deadlines(due_at, remind_at, escalate_at)


# -- schedule validation (codes; the service turns them into translated messages) --

PERIOD_FIELDS = ("morning_start", "morning_end", "afternoon_start", "afternoon_end")


def schedule_problems(*, morning_start: dt.time, morning_end: dt.time,
                      afternoon_start: dt.time, afternoon_end: dt.time,
                      workdays: Iterable[int]) -> dict[str, str]:
    """Field -> problem code of a whole schedule (see the two checks below)."""
    return {**period_problems(morning_start=morning_start, morning_end=morning_end,
                              afternoon_start=afternoon_start, afternoon_end=afternoon_end),
            **workday_problems(workdays)}


def period_problems(*, morning_start: dt.time, morning_end: dt.time,
                    afternoon_start: dt.time, afternoon_end: dt.time) -> dict[str, str]:
    """"order" (a period ends before it starts), "overlap" (the afternoon starts before
    the morning ends)."""
    problems: dict[str, str] = {}
    if morning_end <= morning_start:
        problems["morning_end"] = "order"
    if afternoon_end <= afternoon_start:
        problems["afternoon_end"] = "order"
    if afternoon_start < morning_end:
        problems["afternoon_start"] = "overlap"
    return problems


def workday_problems(workdays: Iterable[int]) -> dict[str, str]:
    """"weekday" (not an ISO weekday 1..7), "none" (no working weekday at all)."""
    days = list(workdays)
    if any(not isinstance(d, int) or isinstance(d, bool) or not 1 <= d <= 7 for d in days):
        return {"workdays": "weekday"}
    return {} if days else {"workdays": "none"}
