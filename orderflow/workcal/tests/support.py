"""Given-steps for deadline tests: the 2026 National Day calendar and Shanghai times."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from orderflow.workcal.models import CalendarDay, DayKind

SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    """A moment of 2026 on the company's clock."""
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=SH)


def golden_week() -> None:
    """Given a National Day holiday in the shape the State Council sets it (test data; the
    demo company's calendar has the published one): Thu 1 - Wed 7 Oct off (3/4 Oct are a
    weekend anyway), made up on Sun 27 Sep and Sat 10 Oct (调休)."""
    for day in (1, 2, 5, 6, 7):
        CalendarDay.objects.create(date=dt.date(2026, 10, day), kind=DayKind.HOLIDAY,
                                   name="国庆节")
    for month, day in ((9, 27), (10, 10)):
        CalendarDay.objects.create(date=dt.date(2026, month, day), kind=DayKind.WORKDAY,
                                   name="国庆节调休")


# What a sweep reports when it had nothing to do, and a report with some counts.
NOTHING = {"reminded": 0, "escalated_head": 0, "escalated_leader": 0, "failed": 0}


def counts(reminded=0, head=0, leader=0):
    return {"reminded": reminded, "escalated_head": head, "escalated_leader": leader,
            "failed": 0}


@pytest.fixture
def english_titles(settings):
    """Recipients read English: exact titles, whatever the translation says."""
    settings.LANGUAGE_CODE = "en"
