"""order_create (P2.1.1, P2.2.1, P2.2.2): totals, numbers, audit, validation writing nothing."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotPermitted, ValidationFailed
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order, OrderSequence
from orderflow.orders.services import order_create
from orderflow.orders.tests.support import make_order, row_counts
from orderflow.testing.factories import ProductFactory, make_user, order_payload

pytestmark = pytest.mark.django_db

FROZEN = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)


@time_machine.travel(FROZEN, tick=False)
def test_create_records_a_draft_with_exact_totals(salesperson, customer, products):
    # given two lines whose amounts and tax need half-up rounding
    payload = order_payload(customer, products, lines=[
        {"product_id": products[0].pk, "quantity": "1", "unit_price": "99.97"},
        {"product_id": products[1].pk, "quantity": "2.5", "unit_price": "0.21"},  # 0.525
    ], special_requirements=[{"kind": "packaging", "description": "木箱包装，防潮"}])
    # when
    order = order_create(actor=salesperson, **payload)
    # then
    order.refresh_from_db()
    assert order.number == "SO-2026-000001"
    assert order.status == State.DRAFT
    assert order.version == 1
    assert (order.salesperson, order.created_by) == (salesperson, salesperson)
    assert [ln.amount for ln in order.lines.all()] == [Decimal("99.97"), Decimal("0.53")]
    assert order.total_net == Decimal("100.50")
    assert order.total_tax == Decimal("13.07")  # 13.065 half-up, not half-even 13.06
    assert order.total_gross == Decimal("113.57")
    assert order.tax_rate == Decimal("0.1300")
    assert order.currency == "CNY"
    assert order.has_special_requirements is True
    assert list(order.special_requirements.values_list("kind", "description")) == [
        ("packaging", "木箱包装，防潮")]
    assert list(order.instalments.values_list("position", "percent", "trigger", "days")) == [
        (1, Decimal("30.00"), "on_order", 0), (2, Decimal("70.00"), "after_delivery", 30)]
    line = order.lines.get(position=1)
    assert (line.unit, line.specification) == (products[0].unit, products[0].specification)


@time_machine.travel(FROZEN, tick=False)
def test_create_writes_one_audit_event_with_a_snapshot(salesperson, customer, products):
    order = make_order(salesperson, customer, products)
    event = AuditEvent.objects.get(object_type="orders.order", object_id=str(order.pk))
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "order.created", salesperson, "", "draft")
    snap = event.data["snapshot"]
    assert snap["customer"] == customer.pk
    assert snap["order_date"] == "2026-03-10"
    assert [ln["amount"] for ln in snap["lines"]] == ["2000.00", "2000.00"]
    assert snap["instalments"][1] == {"percent": "70.00", "trigger": "after_delivery",
                                      "days": 30}


def test_price_defaults_to_the_standard_price(salesperson, customer):
    product = ProductFactory(standard_price=Decimal("1234.50"))
    order = make_order(salesperson, customer, [product],
                       lines=[{"product_id": product.pk, "quantity": "3"}])
    assert order.lines.get().unit_price == Decimal("1234.50")
    assert order.total_net == Decimal("3703.50")


@time_machine.travel(FROZEN, tick=False)
def test_numbers_are_consecutive_per_year(salesperson, customer, products):
    numbers = [make_order(salesperson, customer, products).number for _ in range(3)]
    assert numbers == ["SO-2026-000001", "SO-2026-000002", "SO-2026-000003"]
    with time_machine.travel(dt.datetime(2027, 1, 1, 1, 0, tzinfo=dt.UTC), tick=False):
        assert make_order(salesperson, customer, products).number == "SO-2027-000001"
    assert make_order(salesperson, customer, products).number == "SO-2026-000004"
    assert sorted(OrderSequence.objects.values_list("year", "last_number")) == [
        (2026, 4), (2027, 1)]


def test_the_year_is_the_company_s_year_not_utc(salesperson, customer, products):
    # 2026-12-31 17:00 UTC is already 2027-01-01 in Shanghai
    with time_machine.travel(dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC), tick=False):
        assert make_order(salesperson, customer, products).number == "SO-2027-000001"


def _bad(customer, products, **changes):
    return order_payload(customer, products, **changes)


INVALID = {
    "zero quantity": (lambda c, p: _bad(c, p, lines=[
        {"product_id": p[0].pk, "quantity": "0", "unit_price": "10"}]),
        {"lines.0.quantity"}),
    "negative quantity": (lambda c, p: _bad(c, p, lines=[
        {"product_id": p[0].pk, "quantity": "1", "unit_price": "10"},
        {"product_id": p[1].pk, "quantity": "-2", "unit_price": "10"}]),
        {"lines.1.quantity"}),
    "delivery before order date": (lambda c, p: _bad(
        c, p, order_date=dt.date(2026, 3, 10), delivery_date=dt.date(2026, 3, 9)),
        {"delivery_date"}),
    "unknown customer": (lambda c, p: _bad(c, p, customer_id=987654), {"customer_id"}),
    "missing customer": (lambda c, p: _bad(c, p, customer_id=None), {"customer_id"}),
    "unknown product": (lambda c, p: _bad(c, p, lines=[
        {"product_id": 987654, "quantity": "1", "unit_price": "10"}]),
        {"lines.0.product_id"}),
    "no lines": (lambda c, p: _bad(c, p, lines=[]), {"lines"}),
    "instalments over 100%": (lambda c, p: _bad(c, p, instalments=[
        {"percent": "60", "trigger": "on_order", "days": 0},
        {"percent": "50", "trigger": "after_delivery", "days": 30}]), {"instalments"}),
    "bad channel": (lambda c, p: _bad(c, p, channel="pigeon"), {"channel"}),
    "several at once": (lambda c, p: _bad(c, p, customer_id="x", lines=[
        {"product_id": p[0].pk, "quantity": "abc", "unit_price": "-1"}]),
        {"customer_id", "lines.0.quantity", "lines.0.unit_price"}),
}


@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_input_is_refused_field_by_field_and_writes_nothing(
        case, salesperson, customer, products):
    # given an existing order (so the counter exists) and bad input
    make_order(salesperson, customer, products)
    build, expected_keys = INVALID[case]
    before = row_counts()
    # when / then
    with pytest.raises(ValidationFailed) as exc:
        order_create(actor=salesperson, **build(customer, products))
    assert set(exc.value.errors) == expected_keys
    assert all(exc.value.errors[k] for k in expected_keys)
    assert row_counts() == before


def test_inactive_customer_is_unknown(salesperson, customer, products):
    customer.is_active = False
    customer.save()
    with pytest.raises(ValidationFailed) as exc:
        make_order(salesperson, customer, products)
    assert set(exc.value.errors) == {"customer_id"}


@pytest.mark.parametrize(("dept", "role"), [(Dept.PRODUCTION, Role.STAFF),
                                            (Dept.MANAGEMENT, Role.DIVISION_LEADER),
                                            (Dept.MARKETING, Role.DEPT_HEAD)])
def test_only_sales_records_orders(dept, role, customer, products):
    user = make_user(dept, role)
    before = row_counts()
    with pytest.raises(NotPermitted):
        make_order(user, customer, products)
    assert row_counts() == before
    assert not Order.objects.exists()
