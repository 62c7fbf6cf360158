"""The payment schedule (P7.2.2), pure Python: instalments from the order's payment terms,
their due dates, and their status.

Each instalment is its percent of the statement total rounded to the fen; the last one
takes the remainder, so the instalments always add up to the total exactly.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .money import ZERO, fen

HUNDRED = Decimal("100")


class Trigger(StrEnum):
    ON_ORDER = "on_order"
    BEFORE_DELIVERY = "before_delivery"
    AFTER_DELIVERY = "after_delivery"
    AFTER_ACCEPTANCE = "after_acceptance"


class InstalmentStatus(StrEnum):
    OPEN = "open"
    PARTIAL = "partial"
    PAID = "paid"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Term:
    percent: Decimal
    trigger: str
    days: int = 0


@dataclass(frozen=True)
class Milestones:
    """The dates the triggers count from (None when unknown)."""

    audited_on: dt.date
    order_date: dt.date
    signed_on: dt.date | None = None
    first_shipped_on: dt.date | None = None
    delivery_date: dt.date | None = None
    last_delivered_on: dt.date | None = None
    reconciled_on: dt.date | None = None


@dataclass(frozen=True)
class PlannedInstalment:
    position: int
    percent: Decimal
    trigger: str
    days: int
    amount: Decimal
    due_date: dt.date


def split_amounts(total: Decimal, percents: list[Decimal]) -> list[Decimal]:
    """Each percent of the total to the fen; the last takes the rounding remainder."""
    if not percents:
        return []
    amounts = [fen(total * Decimal(p) / HUNDRED) for p in percents[:-1]]
    return [*amounts, total - sum(amounts, ZERO)]


def due_date(trigger: str, days: int, m: Milestones) -> dt.date:
    """When an instalment is due. on_order: the sign-off (else the order date) + days;
    before_delivery: the first shipment (else the delivery date), days ignored as the
    money was due before; after_delivery: the last delivery + days; after_acceptance:
    the reconciliation (the customer accepted the amount) + days. An unknown date falls
    back to the audit date."""
    delta = dt.timedelta(days=int(days or 0))
    if trigger == Trigger.ON_ORDER:
        return (m.signed_on or m.order_date) + delta
    if trigger == Trigger.BEFORE_DELIVERY:
        return m.first_shipped_on or m.delivery_date or m.audited_on
    if trigger == Trigger.AFTER_DELIVERY:
        return (m.last_delivered_on or m.delivery_date or m.audited_on) + delta
    if trigger == Trigger.AFTER_ACCEPTANCE:
        return (m.reconciled_on or m.audited_on) + delta
    return m.audited_on + delta


def plan_schedule(total: Decimal, terms: list[Term], m: Milestones) -> list[PlannedInstalment]:
    """The instalments of a statement total. No terms (or terms that do not add up to
    100%): one instalment of 100% due at the audit date."""
    if not terms or sum((Decimal(t.percent) for t in terms), ZERO) != HUNDRED:
        return [PlannedInstalment(1, HUNDRED, "", 0, total, m.audited_on)]
    amounts = split_amounts(total, [Decimal(t.percent) for t in terms])
    return [PlannedInstalment(i, Decimal(t.percent), t.trigger, int(t.days or 0), amount,
                              due_date(t.trigger, t.days, m))
            for i, (t, amount) in enumerate(zip(terms, amounts, strict=True), start=1)]


def instalment_status(*, amount: Decimal, paid: Decimal, due: dt.date,
                      today: dt.date) -> InstalmentStatus:
    """paid in full; overdue once the due date has passed with money owed; else partial
    (something paid) or open."""
    if paid >= amount:
        return InstalmentStatus.PAID
    if due < today:
        return InstalmentStatus.OVERDUE
    return InstalmentStatus.PARTIAL if paid > 0 else InstalmentStatus.OPEN
