"""deadlines_for and working_hours_between read the calendar from the database (P3.3.2)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from orderflow.workcal.models import CalendarDay, DayKind, WorkSchedule
from orderflow.workcal.selectors import working_hours_between
from orderflow.workcal.services import Deadlines, deadlines_for

SH = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(month, day, hour=0, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


def test_deadlines_on_the_seeded_schedule():
    # Given the seeded schedule (08:30-12:00, 13:30-18:00, Mon-Fri) and no exceptions
    # When a 16h limit starts on Monday 28 Sep 09:00
    result = deadlines_for(at(9, 28, 9), hours=16, remind_before=4, leader_after=8)
    # Then
    assert result == Deadlines(due_at=at(9, 30, 9), remind_at=at(9, 29, 14, 30),
                               escalate_at=at(10, 1, 9))


def test_deadlines_skip_a_holiday_and_count_a_makeup_day_from_the_database():
    CalendarDay.objects.create(date=dt.date(2026, 9, 29), kind=DayKind.HOLIDAY, name="x")
    CalendarDay.objects.create(date=dt.date(2026, 10, 3), kind=DayKind.WORKDAY, name="y")
    result = deadlines_for(at(10, 2, 9), hours=8, leader_after=8)
    # Fri 9:00 + 8h = Sat 3 Oct (made up) 09:00; + 8h more = Mon 5 Oct 09:00
    assert result == Deadlines(at(10, 3, 9), None, at(10, 5, 9))
    assert deadlines_for(at(9, 28, 17), hours=2).due_at == at(9, 30, 9, 30)


def test_no_time_limit_means_no_deadline_and_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert deadlines_for(at(9, 28, 9), hours=0, remind_before=4) == \
            Deadlines(None, None, None)


def test_deadlines_for_reads_the_calendar_in_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        deadlines_for(at(9, 28, 9), hours=16, remind_before=4, leader_after=8)


def test_a_changed_schedule_is_used_at_once():
    WorkSchedule.objects.filter(pk=1).update(morning_start=dt.time(9), morning_end=dt.time(12),
                                             afternoon_start=dt.time(13),
                                             afternoon_end=dt.time(17),
                                             workdays=[1, 2, 3, 4, 5, 6])
    assert deadlines_for(at(9, 26, 16), hours=2).due_at == at(9, 28, 10)


def test_working_hours_between(django_assert_num_queries):
    CalendarDay.objects.create(date=dt.date(2026, 9, 29), kind=DayKind.HOLIDAY)
    with django_assert_num_queries(2):
        assert working_hours_between(at(9, 28, 9), at(9, 30, 10)) == Decimal("9.00")
    assert working_hours_between(at(9, 30, 10), at(9, 28, 9)) == Decimal("-9.00")
    assert working_hours_between(at(9, 28, 9), at(9, 28, 9, 20)) == Decimal("0.33")
