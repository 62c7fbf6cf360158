"""Given-steps for deadline tests: the 2026 National Day calendar and Shanghai times."""

import datetime as dt
from zoneinfo import ZoneInfo

from orderflow.workcal.models import CalendarDay, DayKind

SH = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    """A moment of 2026 on the company's clock."""
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=SH)


def golden_week() -> None:
    """Given the 2026 National Day holiday as the State Council sets it: Thu 1 - Wed 7 Oct
    off (3/4 Oct are a weekend anyway), made up on Sun 27 Sep and Sat 10 Oct (调休)."""
    for day in (1, 2, 5, 6, 7):
        CalendarDay.objects.create(date=dt.date(2026, 10, day), kind=DayKind.HOLIDAY,
                                   name="国庆节")
    for month, day in ((9, 27), (10, 10)):
        CalendarDay.objects.create(date=dt.date(2026, month, day), kind=DayKind.WORKDAY,
                                   name="国庆节调休")
