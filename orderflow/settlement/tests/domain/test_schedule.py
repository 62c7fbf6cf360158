"""The payment schedule (P7.2.2) without a database: splitting with the remainder on the
last instalment, due dates per trigger, instalment status."""

import datetime as dt
from decimal import Decimal as D

import pytest

from orderflow.settlement.domain.schedule import (
    InstalmentStatus,
    Milestones,
    Term,
    due_date,
    instalment_status,
    plan_schedule,
    split_amounts,
)

AUDITED = dt.date(2030, 5, 20)
M = Milestones(audited_on=AUDITED, order_date=dt.date(2030, 1, 10),
               signed_on=dt.date(2030, 1, 15), first_shipped_on=dt.date(2030, 3, 1),
               delivery_date=dt.date(2030, 3, 5), last_delivered_on=dt.date(2030, 3, 8),
               reconciled_on=dt.date(2030, 5, 10))
BARE = Milestones(audited_on=AUDITED, order_date=dt.date(2030, 1, 10))


def test_split_gives_the_remainder_to_the_last():
    assert split_amounts(D("100.00"), [D("33.33"), D("33.33"), D("33.34")]) == [
        D("33.33"), D("33.33"), D("33.34")]
    # 1/3 each of 100.00: 33.33, 33.33, and the last 33.34 (not 33.33).
    parts = split_amounts(D("100.00"), [D("33.33"), D("33.33"), D("33.34")])
    assert sum(parts) == D("100.00")


@pytest.mark.parametrize("total", ["0.01", "0.05", "1.00", "4520.00", "99999.99", "10.01"])
def test_split_always_adds_up(total):
    parts = split_amounts(D(total), [D("30"), D("30"), D("40")])
    assert sum(parts) == D(total)
    assert all(p >= 0 for p in parts)


def test_split_rounds_each_share_half_up():
    # 30% of 0.05 = 0.015 -> 0.02; the last takes 0.03.
    assert split_amounts(D("0.05"), [D("30"), D("70")]) == [D("0.02"), D("0.03")]


@pytest.mark.parametrize(("trigger", "days", "expected"), [
    ("on_order", 0, dt.date(2030, 1, 15)), ("on_order", 10, dt.date(2030, 1, 25)),
    ("before_delivery", 5, dt.date(2030, 3, 1)),
    ("after_delivery", 30, dt.date(2030, 4, 7)),
    ("after_acceptance", 15, dt.date(2030, 5, 25)),
    ("unknown", 3, dt.date(2030, 5, 23))])
def test_due_dates_per_trigger(trigger, days, expected):
    assert due_date(trigger, days, M) == expected


@pytest.mark.parametrize(("trigger", "days", "expected"), [
    ("on_order", 7, dt.date(2030, 1, 17)),          # no sign-off: the order date
    ("before_delivery", 0, AUDITED),                # no shipment, no delivery date
    ("after_delivery", 30, AUDITED + dt.timedelta(days=30)),
    ("after_acceptance", 0, AUDITED)])
def test_due_dates_fall_back(trigger, days, expected):
    assert due_date(trigger, days, BARE) == expected


def test_before_delivery_falls_back_to_the_delivery_date():
    m = Milestones(audited_on=AUDITED, order_date=dt.date(2030, 1, 10),
                   delivery_date=dt.date(2030, 3, 5))
    assert due_date("before_delivery", 0, m) == dt.date(2030, 3, 5)


def test_plan_from_terms():
    plan = plan_schedule(D("4520.00"), [Term(D("30"), "on_order", 0),
                                        Term(D("70"), "after_delivery", 30)], M)
    assert [(p.position, p.amount, p.due_date) for p in plan] == [
        (1, D("1356.00"), dt.date(2030, 1, 15)), (2, D("3164.00"), dt.date(2030, 4, 7))]


@pytest.mark.parametrize("terms", [[], [Term(D("50"), "on_order", 0)]])
def test_no_terms_or_terms_not_adding_up_make_one_instalment_due_at_audit(terms):
    plan = plan_schedule(D("4520.00"), terms, M)
    assert [(p.position, p.percent, p.amount, p.due_date) for p in plan] == [
        (1, D("100"), D("4520.00"), AUDITED)]


@pytest.mark.parametrize(("paid", "due", "status"), [
    ("0", dt.date(2030, 6, 1), InstalmentStatus.OPEN),
    ("10", dt.date(2030, 6, 1), InstalmentStatus.PARTIAL),
    ("100", dt.date(2030, 5, 1), InstalmentStatus.PAID),
    ("10", dt.date(2030, 5, 19), InstalmentStatus.OVERDUE),
    ("0", dt.date(2030, 5, 20), InstalmentStatus.OPEN)])   # due today is not overdue yet
def test_instalment_status(paid, due, status):
    assert instalment_status(amount=D("100"), paid=D(paid), due=due, today=AUDITED) == status
