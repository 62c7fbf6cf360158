"""Working-hour arithmetic (P3.3.2), pure: no database.

The schedule is the default one: 08:30-12:00 and 13:30-18:00 (8 working hours a day),
Monday to Friday, in Asia/Shanghai. 2026-09-28 is a Monday.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from orderflow.workcal.domain.hours import (
    Deadlines,
    NoWorkingTime,
    WorkCalendar,
    add_working_hours,
    deadlines,
    hours_of,
    schedule_problems,
    to_timedelta,
    working_time_between,
)

SH = ZoneInfo("Asia/Shanghai")
PERIODS = [(dt.time(8, 30), dt.time(12, 0)), (dt.time(13, 30), dt.time(18, 0))]
WEEKDAYS = [1, 2, 3, 4, 5]
# The 2026 National Day holiday (Golden week): Thu 1 Oct - Wed 7 Oct off (the weekend
# days 3/4 Oct are off anyway), made up on Sun 27 Sep and Sat 10 Oct.
GOLDEN_WEEK = [(dt.date(2026, 10, d), "holiday") for d in (1, 2, 5, 6, 7)] + [
    (dt.date(2026, 9, 27), "workday"), (dt.date(2026, 10, 10), "workday")]


def cal(overrides=()):
    return WorkCalendar.build(tz=SH, periods=PERIODS, workdays=WEEKDAYS, overrides=overrides)


def at(day, hour=0, minute=0, second=0, micro=0, *, month=9, tz=SH):
    return dt.datetime(2026, month, day, hour, minute, second, micro, tzinfo=tz)


PLAIN = cal()
GOLDEN = cal(GOLDEN_WEEK)


@pytest.mark.parametrize(("start", "hours", "expected"), [
    # Within a period.
    (at(28, 9), 1, at(28, 10)),
    (at(28, 8, 30), Decimal("3.5"), at(28, 12)),            # ends exactly at lunch
    (at(28, 13, 30), Decimal("4.5"), at(28, 18)),           # ends exactly at night
    # Across lunch.
    (at(28, 11), 2, at(28, 14, 30)),
    (at(28, 8, 30), 4, at(28, 14)),
    # A full day, across a night.
    (at(28, 8, 30), 8, at(28, 18)),
    (at(28, 9), 8, at(29, 9)),
    (at(28, 17), 2, at(29, 9, 30)),
    (at(28, 14), 16, at(30, 14)),
    # A start outside working time begins at the next working moment.
    (at(28, 7), 1, at(28, 9, 30)),
    (at(28, 12, 30), 1, at(28, 14, 30)),
    (at(28, 12), 1, at(28, 14, 30)),
    (at(28, 19), 1, at(29, 9, 30)),
    (at(28, 23, 59), Decimal("0.5"), at(29, 9)),
    # Weekends: Friday afternoon to Monday.
    (at(2, 17, month=10), 2, at(5, 9, 30, month=10)),       # plain calendar: no holiday
    (at(26, 10), 1, at(28, 9, 30)),                         # Saturday start
    (at(25, 16), 16, at(29, 16)),                           # Fri 16:00 + 16h -> Tue 16:00
    # Fractional hours, to the second.
    (at(28, 9), Decimal("0.25"), at(28, 9, 15)),
    (at(28, 11, 59), Decimal("0.05"), at(28, 13, 32)),
    (at(28, 9), "1.0001", at(28, 10, 0, 0, 360_000)),
    (at(28, 9), 1.5, at(28, 10, 30)),
    # Zero hours: the next working moment (the start itself if it is one).
    (at(28, 9), 0, at(28, 9)),
    (at(28, 12, 15), 0, at(28, 13, 30)),
    (at(26, 10), 0, at(28, 8, 30)),
])
def test_add_working_hours_on_the_plain_calendar(start, hours, expected):
    assert add_working_hours(start, hours, PLAIN) == expected


@pytest.mark.parametrize(("start", "hours", "expected"), [
    # A holiday on a weekday is skipped: Wed 30 Sep 17:00 + 2h -> Thu 8 Oct 09:30.
    (at(30, 17), 2, at(8, 9, 30, month=10)),
    # A whole Golden week: 16h from Wed 30 Sep 09:00 -> 7.5h on 30 Sep, 8h on 8 Oct.
    (at(30, 9), 16, at(9, 9, month=10)),
    # A make-up Sunday before it counts as a normal day: Sat 26 Sep 10:00 + 2h.
    (at(26, 10), 2, at(27, 10, 30)),
    # Starting on the make-up Sunday itself.
    (at(27, 11), 2, at(27, 14, 30)),
    # The make-up Saturday after it (10 Oct): Fri 9 Oct 17:00 + 2h -> Sat 10 Oct 09:30.
    (at(9, 17, month=10), 2, at(10, 9, 30, month=10)),
    # Sunday 11 Oct stays off: Sat 10 Oct 17:00 + 2h -> Mon 12 Oct 09:30.
    (at(10, 17, month=10), 2, at(12, 9, 30, month=10)),
    # Starting inside the holiday: the count begins on Thu 8 Oct 08:30.
    (at(1, 10, month=10), 1, at(8, 9, 30, month=10)),
    (at(1, 10, month=10), 0, at(8, 8, 30, month=10)),
])
def test_add_working_hours_skips_holidays_and_counts_makeup_days(start, hours, expected):
    assert add_working_hours(start, hours, GOLDEN) == expected


def test_a_single_public_holiday_on_a_weekday_is_not_worked():
    # Given Tuesday 29 Sep is a holiday
    calendar = cal([(dt.date(2026, 9, 29), "holiday")])
    # Then Monday 17:00 + 2h runs to Wednesday 09:30
    assert add_working_hours(at(28, 17), 2, calendar) == at(30, 9, 30)
    assert working_time_between(at(28, 8, 30), at(30, 18), calendar) == dt.timedelta(hours=16)


def test_a_makeup_saturday_is_worked_with_the_normal_periods():
    calendar = cal([(dt.date(2026, 9, 26), "workday")])
    assert add_working_hours(at(25, 17), 2, calendar) == at(26, 9, 30)
    assert add_working_hours(at(26, 11, 30), 1, calendar) == at(26, 14)
    assert working_time_between(at(26, 0), at(27, 0), calendar) == dt.timedelta(hours=8)


def test_input_in_another_time_zone_is_counted_on_the_company_clock():
    # 01:00 UTC is 09:00 in Shanghai; the result is shown in the company's time zone.
    start = dt.datetime(2026, 9, 28, 1, 0, tzinfo=dt.UTC)
    result = add_working_hours(start, 1, PLAIN)
    assert result == at(28, 10)
    assert result.tzinfo == SH


def test_result_is_exact_for_the_inverse():
    start = at(25, 16, 17, 3)
    for hours in (Decimal("0.5"), 1, 7, 8, 9, 16, 24, 40, Decimal("123.75")):
        end = add_working_hours(start, hours, GOLDEN)
        assert working_time_between(start, end, GOLDEN) == to_timedelta(hours)


@pytest.mark.parametrize(("start", "end", "hours"), [
    (at(28, 9), at(28, 10), Decimal("1.00")),
    (at(28, 11), at(28, 14), Decimal("1.50")),               # lunch does not count
    (at(28, 12, 10), at(28, 13, 20), Decimal("0.00")),       # all of it lunch
    (at(28, 0), at(29, 0), Decimal("8.00")),
    (at(28, 18), at(29, 8, 30), Decimal("0.00")),            # the night
    (at(25, 17), at(28, 9), Decimal("1.50")),                # a weekend
    (at(26, 0), at(28, 0), Decimal("0.00")),
    (at(28, 9), at(28, 9, 20), Decimal("0.33")),             # rounded to 2 places
    (at(28, 9), at(28, 9), Decimal("0.00")),
    (at(28, 10), at(28, 9), Decimal("-1.00")),               # end before start
    (at(28, 0), at(5, 0, month=10), Decimal("40.00")),       # a full plain week
])
def test_working_hours_between_on_the_plain_calendar(start, end, hours):
    assert hours_of(working_time_between(start, end, PLAIN)) == hours


def test_golden_week_hours_between():
    # Mon 28 Sep to Mon 12 Oct 00:00: 28, 29, 30 Sep, 8, 9, 10 Oct work (+27 Sep is
    # before the start) = 6 days.
    assert hours_of(working_time_between(at(28, 0), at(12, 0, month=10), GOLDEN)) == \
        Decimal("48.00")
    # The make-up Sunday 27 Sep counts.
    assert hours_of(working_time_between(at(27, 0), at(28, 0), GOLDEN)) == Decimal("8.00")
    # The holiday week counts nothing.
    assert working_time_between(at(1, 0, month=10), at(8, 0, month=10), GOLDEN) == \
        dt.timedelta(0)


def test_a_holiday_entered_on_a_weekend_day_changes_nothing():
    calendar = cal([(dt.date(2026, 9, 26), "holiday")])
    assert add_working_hours(at(25, 17), 2, calendar) == at(28, 9, 30)


def test_a_makeup_day_on_a_working_weekday_changes_nothing():
    calendar = cal([(dt.date(2026, 9, 28), "workday")])
    assert add_working_hours(at(28, 17), 2, calendar) == at(29, 9, 30)


@pytest.mark.parametrize(("hours", "remind", "leader", "expected"), [
    # 16h from Mon 09:00: due Wed 09:00; reminder 4h before = Tue 14:30 (12h in),
    # leader 8h after the deadline = Thu 09:00.
    (16, 4, 8, Deadlines(at(30, 9), at(29, 14, 30), at(1, 9, month=10))),
    (16, 0, 0, Deadlines(at(30, 9), None, None)),
    (16, 4, 0, Deadlines(at(30, 9), at(29, 14, 30), None)),
    (16, 0, 8, Deadlines(at(30, 9), None, at(1, 9, month=10))),
    # A reminder lead of the whole limit or more reminds at the start.
    (4, 4, 0, Deadlines(at(28, 14, 30), at(28, 9), None)),
    (4, 10, 0, Deadlines(at(28, 14, 30), at(28, 9), None)),
    # No limit: no deadline at all.
    (0, 4, 8, Deadlines(None, None, None)),
    (-1, 4, 8, Deadlines(None, None, None)),
])
def test_deadlines_on_the_plain_calendar(hours, remind, leader, expected):
    result = deadlines(at(28, 9), PLAIN, hours=hours, remind_before=remind,
                       leader_after=leader)
    assert result == expected


def test_deadlines_over_golden_week():
    # Given a review sent Wed 30 Sep 09:00 with 16h, 4h reminder, 8h to the leader
    result = deadlines(at(30, 9), GOLDEN, hours=16, remind_before=4, leader_after=8)
    # Then 7.5h on 30 Sep, the holiday 1-7 Oct is skipped, 8h on 8 Oct, 0.5h on 9 Oct;
    # the leader's 8h run into the make-up Saturday 10 Oct
    assert result == Deadlines(due_at=at(9, 9, month=10),
                               remind_at=at(8, 14, 30, month=10),
                               escalate_at=at(10, 9, month=10))
    result = deadlines(at(8, 17, 30, month=10), GOLDEN, hours=8, leader_after=4)
    assert result.due_at == at(9, 17, 30, month=10)
    assert result.escalate_at == at(10, 12, month=10)


def test_negative_hours_and_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_hours(at(28, 9), -1, PLAIN)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_hours(dt.datetime(2026, 9, 28, 9), 1, PLAIN)
    with pytest.raises(ValueError, match="timezone-aware"):
        working_time_between(at(28, 9), dt.datetime(2026, 9, 28, 10), PLAIN)


def test_a_calendar_without_any_working_day_raises_instead_of_looping():
    calendar = WorkCalendar.build(tz=SH, periods=PERIODS, workdays=[])
    with pytest.raises(NoWorkingTime):
        add_working_hours(at(28, 9), 1, calendar)


def test_a_calendar_with_only_makeup_days_still_works():
    calendar = WorkCalendar.build(tz=SH, periods=PERIODS, workdays=[],
                                  overrides=[(dt.date(2026, 10, 10), "workday")])
    assert add_working_hours(at(28, 9), 1, calendar) == at(10, 9, 30, month=10)


def test_another_schedule_shape():
    # A six-day week with a short Saturday-like day: periods 09:00-12:00, 13:00-17:00.
    calendar = WorkCalendar.build(
        tz=SH, periods=[(dt.time(9), dt.time(12)), (dt.time(13), dt.time(17))],
        workdays=[1, 2, 3, 4, 5, 6])
    assert add_working_hours(at(26, 16), 2, calendar) == at(28, 10)
    assert working_time_between(at(28, 0), at(29, 0), calendar) == dt.timedelta(hours=7)


@pytest.mark.parametrize(("kwargs", "problems"), [
    ({}, {}),
    ({"morning_end": dt.time(8, 30)}, {"morning_end": "order"}),
    ({"afternoon_end": dt.time(13, 0)}, {"afternoon_end": "order"}),
    ({"morning_end": dt.time(14), "afternoon_end": dt.time(13)},
     {"afternoon_end": "order", "afternoon_start": "overlap"}),
    ({"afternoon_start": dt.time(11, 59)}, {"afternoon_start": "overlap"}),
    ({"afternoon_start": dt.time(12, 0)}, {}),                       # touching is fine
    ({"workdays": []}, {"workdays": "none"}),
    ({"workdays": [0, 1]}, {"workdays": "weekday"}),
    ({"workdays": [1, 8]}, {"workdays": "weekday"}),
    ({"workdays": [True]}, {"workdays": "weekday"}),
    ({"workdays": [6, 7]}, {}),
])
def test_schedule_problems(kwargs, problems):
    values = {"morning_start": dt.time(8, 30), "morning_end": dt.time(12),
              "afternoon_start": dt.time(13, 30), "afternoon_end": dt.time(18),
              "workdays": [1, 2, 3, 4, 5], **kwargs}
    assert schedule_problems(**values) == problems


def test_hours_of_rounds_half_up():
    assert hours_of(dt.timedelta(minutes=20)) == Decimal("0.33")
    assert hours_of(dt.timedelta(minutes=40)) == Decimal("0.67")
    assert hours_of(dt.timedelta(seconds=18)) == Decimal("0.01")          # 0.005 -> 0.01
    assert hours_of(-dt.timedelta(minutes=30)) == Decimal("-0.50")
    assert hours_of(dt.timedelta(minutes=1), places=4) == Decimal("0.0167")
