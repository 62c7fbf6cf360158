"""Quality rules as plain Python (P5.3, P5.4.2): the split of an inspection, its result,
how much of a line may ship, and the shape of the nonconformance statistics."""

import datetime as dt
from decimal import Decimal

ZERO = Decimal("0")


def split_adds_up(inspected: Decimal, passed: Decimal, failed: Decimal) -> bool:
    """P5.3.2: every inspected piece either passed or failed."""
    return passed + failed == inspected


def inspection_result(failed: Decimal) -> str:
    """P5.3.2: an inspection with any failed piece is failed (it needs a nonconformance)."""
    return "fail" if failed > 0 else "pass"


def covered(ordered: Decimal, passed_final: Decimal, conceded: Decimal) -> Decimal:
    """P5.4.2: what of a line may ship: passed at final inspection plus approved concessions,
    at most the ordered quantity (for progress)."""
    return min(ordered, (passed_final or ZERO) + (conceded or ZERO))


def is_covered(ordered: Decimal, passed_final: Decimal, conceded: Decimal) -> bool:
    return (passed_final or ZERO) + (conceded or ZERO) >= ordered


def percent(part: Decimal, whole: Decimal) -> int | None:
    """Whole percent 0-100 (None when there is nothing to measure)."""
    if not whole:
        return None
    return max(0, min(100, int(part * 100 / whole)))


def days(duration: dt.timedelta | None) -> Decimal | None:
    """A duration in days with one decimal (average time to close a notice, P5.3.3)."""
    if duration is None:
        return None
    return (Decimal(duration.total_seconds()) / Decimal(86400)).quantize(Decimal("0.1"))


def month_starts(date_from: dt.date, date_to: dt.date, *, cap: int = 120) -> list[dt.date]:
    """The first day of every month from date_from's month to date_to's (chart axis)."""
    out: list[dt.date] = []
    month = date_from.replace(day=1)
    while month <= date_to and len(out) < cap:
        out.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months, this one included (P5.3.3 periodic evaluation)."""
    start = today.replace(day=1)
    for _ in range(11):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return start, today
