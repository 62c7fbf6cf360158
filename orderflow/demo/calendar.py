"""The demo company's calendar: China's 2026 public holidays and make-up workdays (调休),
as published by the State Council; an admin keeps later years up to date (P3.3.2)."""

import datetime as dt

from orderflow.workcal.models import DayKind

# (name, first day off, last day off, make-up workdays)
HOLIDAYS_2026 = (
    ("元旦", dt.date(2026, 1, 1), dt.date(2026, 1, 3), (dt.date(2026, 1, 4),)),
    ("春节", dt.date(2026, 2, 15), dt.date(2026, 2, 23),
     (dt.date(2026, 2, 14), dt.date(2026, 2, 28))),
    ("清明节", dt.date(2026, 4, 4), dt.date(2026, 4, 6), ()),
    ("劳动节", dt.date(2026, 5, 1), dt.date(2026, 5, 5), (dt.date(2026, 5, 9),)),
    ("端午节", dt.date(2026, 6, 19), dt.date(2026, 6, 21), ()),
    ("中秋节", dt.date(2026, 9, 25), dt.date(2026, 9, 27), ()),
    ("国庆节", dt.date(2026, 10, 1), dt.date(2026, 10, 7),
     (dt.date(2026, 9, 20), dt.date(2026, 10, 10))),
)


def calendar_entries() -> list[tuple[dt.date, str, str]]:
    """(date, kind, name): the weekdays off and the weekend days worked."""
    entries = []
    for name, first, last, makeup in HOLIDAYS_2026:
        day = first
        while day <= last:
            if day.isoweekday() <= 5:
                entries.append((day, DayKind.HOLIDAY, name))
            day += dt.timedelta(days=1)
        entries += [(d, DayKind.WORKDAY, f"{name}调休") for d in makeup]
    return sorted(entries)


def create_calendar(*, actor) -> int:
    from orderflow.workcal.services import calendar_day_set

    entries = calendar_entries()
    for day, kind, name in entries:
        calendar_day_set(actor=actor, date=day, kind=kind, name=name)
    return len(entries)
