"""Advance payments over the JSON API (P7.1.1, P7.2.2): Finance records and voids them
before the audit, everyone who may see prices lists them, the audit applies them, Finance
records the refunds of the excess after it, and the error mapping (403 / 404 / 409 / 422
with field keys)."""

import datetime as dt

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core import clock
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.tests.support import put_in_state
from orderflow.settlement.tests.support import snapshot
from orderflow.testing.factories import make_user
from orderflow.testing.settlement import (
    audited,
    audited_with_excess,
    delivered_in_execution,
    in_settlement,
)

from .conftest import Api
from .flows import ok

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def order(salesperson, customer, products, sales_head):
    return delivered_in_execution(salesperson, customer, products, sales_head)


def test_finance_records_lists_and_voids_advances(order, salesperson, finance):
    fin = Api(finance["staff"])
    day = (clock.today() - dt.timedelta(days=5)).isoformat()
    created = ok(fin.post(f"/api/orders/{order.pk}/advances", {
        "received_on": day, "amount": "1356.00", "method": "bank_transfer",
        "bank_reference": "CMB001", "note": "30% 预付款"}), 201)
    assert {k: created[k] for k in ("order_id", "received_on", "amount", "method",
                                    "method_label", "bank_reference", "note",
                                    "applied_amount", "status", "status_label",
                                    "is_void")} == {
        "order_id": order.pk, "received_on": day, "amount": "1356.00",
        "method": "bank_transfer", "method_label": "Bank transfer",
        "bank_reference": "CMB001", "note": "30% 预付款", "applied_amount": "0.00",
        "status": "pending", "status_label": "Not yet applied", "is_void": False}
    assert created["recorded_by"]["username"] == finance["staff"].username
    wrong = ok(fin.post(f"/api/orders/{order.pk}/advances", {
        "received_on": day, "amount": "100", "method": "cash"}), 201)
    voided = ok(fin.post(f"/api/advances/{wrong['id']}/void", {"reason": "录错"}))
    assert (voided["status"], voided["is_void"], voided["void_reason"],
            voided["voided_by"]["username"]) == ("voided", True, "录错",
                                                 finance["staff"].username)

    # the salesperson sees them (prices) but does not record them
    listed = ok(Api(salesperson).get(f"/api/orders/{order.pk}/advances"))
    assert {k: listed[k] for k in ("order_id", "currency", "order_total", "total", "applied",
                                   "unapplied", "excess", "is_open", "count",
                                   "truncated")} == {
        "order_id": order.pk, "currency": "CNY", "order_total": "4520.00",
        "total": "1356.00", "applied": "0.00", "unapplied": "1356.00", "excess": "0.00",
        "is_open": True, "count": 2, "truncated": False}
    assert [(i["id"], i["status"]) for i in listed["items"]] == [
        (created["id"], "pending"), (wrong["id"], "voided")]


def test_the_audit_applies_them_and_the_settlement_shows_the_excess(
        order, salesperson, finance):
    fin = Api(finance["staff"])
    ok(fin.post(f"/api/orders/{order.pk}/advances", {
        "received_on": clock.today().isoformat(), "amount": "4520.00",
        "method": "bank_transfer"}), 201)
    put_in_state(order, State.EXECUTED)
    statement = in_settlement(order, salesperson)
    line = statement.lines.order_by("position").first()
    ok(Api(salesperson).put(f"/api/statements/{statement.pk}/quantities",
                            {"quantities": {str(line.order_line_id): "1"}}))
    statement.refresh_from_db()
    audited(statement, salesperson, finance["head"])

    view = ok(Api(salesperson).get(f"/api/orders/{order.pk}/settlement"))
    assert (view["collected"], view["outstanding"], view["advance_excess"]) == (
        "3390.00", "0.00", "1130.00")
    assert [i["status"] for i in view["instalments"]] == ["paid", "paid"]
    assert [r["amount"] for i in view["instalments"] for r in i["receipts"]] == [
        "1017.00", "2373.00"]
    advances = view["advances"]
    assert (advances["applied"], advances["excess"], advances["is_open"]) == (
        "3390.00", "1130.00", False)
    assert [i["status"] for i in advances["items"]] == ["partly_applied"]
    # no more advances after the audit
    late = fin.post(f"/api/orders/{order.pk}/advances", {
        "received_on": clock.today().isoformat(), "amount": "1", "method": "cash"})
    assert late.status_code == 409


def test_errors_map_to_status_codes(order, salesperson, finance):
    fin = Api(finance["staff"])
    production = Api(make_user(Dept.PRODUCTION, Role.STAFF, username="prod1"))
    stranger = Api(make_user(Dept.SALES, Role.STAFF, username="sales7"))
    advance = ok(fin.post(f"/api/orders/{order.pk}/advances", {
        "received_on": clock.today().isoformat(), "amount": "1000", "method": "cash"}), 201)
    before = snapshot(order)
    body = {"received_on": clock.today().isoformat(), "amount": "1", "method": "cash"}
    bad = fin.post(f"/api/orders/{order.pk}/advances", {
        "received_on": (clock.today() + dt.timedelta(days=1)).isoformat(),
        "amount": "3520.01", "method": "gold", "bank_reference": "x" * 65})
    over = fin.post(f"/api/orders/{order.pk}/advances", {**body, "amount": "3520.01"})
    answers = {
        "prices_list": production.get(f"/api/orders/{order.pk}/advances").status_code,
        "prices_settlement": production.get(
            f"/api/orders/{order.pk}/settlement").status_code,
        "sales_records": Api(salesperson).post(f"/api/orders/{order.pk}/advances",
                                               body).status_code,
        "production_records": production.post(f"/api/orders/{order.pk}/advances",
                                              body).status_code,
        "invisible": stranger.get(f"/api/orders/{order.pk}/advances").status_code,
        "no_order": fin.get("/api/orders/987654321/advances").status_code,
        "sales_voids": Api(salesperson).post(f"/api/advances/{advance['id']}/void",
                                             {"reason": "x"}).status_code,
        "no_reason": fin.post(f"/api/advances/{advance['id']}/void", {}).status_code,
    }
    assert snapshot(order) == before
    assert answers == {"prices_list": 403, "prices_settlement": 403, "sales_records": 403,
                       "production_records": 403, "invisible": 404, "no_order": 404,
                       "sales_voids": 403, "no_reason": 422}
    assert bad.status_code == 422
    assert sorted(bad.json()["errors"]) == ["amount", "bank_reference", "method", "received_on"]
    assert over.status_code == 422
    assert over.json()["errors"]["amount"] == [
        "The advance payments would exceed the order total (4,520.00): at most 3,520.00 is "
        "still open."]
    put_in_state(order, State.AWAITING_SIGNOFF)
    assert fin.post(f"/api/orders/{order.pk}/advances", body).status_code == 409


# -- refunds of the excess (预收款退款) ------------------------------------------------------

def test_finance_records_a_refund_and_the_advances_show_it_p7_2_2(order, salesperson,
                                                                 finance):
    audited_with_excess(order, salesperson, finance)
    fin = Api(finance["staff"])
    created = ok(fin.post(f"/api/orders/{order.pk}/advance-refunds", {
        "refunded_on": clock.today().isoformat(), "amount": "1000.00",
        "method": "bank_transfer", "bank_reference": "CMB-RF-01", "note": "退回多收款"}), 201)
    assert {k: created[k] for k in ("order_id", "refunded_on", "amount", "method",
                                    "method_label", "bank_reference", "note")} == {
        "order_id": order.pk, "refunded_on": clock.today().isoformat(), "amount": "1000.00",
        "method": "bank_transfer", "method_label": "Bank transfer",
        "bank_reference": "CMB-RF-01", "note": "退回多收款"}
    assert created["recorded_by"]["username"] == finance["staff"].username

    listed = ok(Api(salesperson).get(f"/api/orders/{order.pk}/advances"))
    assert (listed["refunded"], listed["excess"], listed["refund_count"],
            [r["id"] for r in listed["refunds"]]) == ("1000.00", "130.00", 1,
                                                      [created["id"]])
    assert [(i["status"], i["refunded_amount"]) for i in listed["items"]] == [
        ("partly_applied", "1000.00")]
    view = ok(Api(salesperson).get(f"/api/orders/{order.pk}/settlement"))
    assert (view["advance_excess"], view["advances"]["refunded"]) == ("130.00", "1000.00")


def test_refund_errors_map_to_status_codes(order, salesperson, finance):
    body = {"refunded_on": clock.today().isoformat(), "amount": "100", "method": "cash"}
    fin = Api(finance["staff"])
    ok(fin.post(f"/api/orders/{order.pk}/advances", {
        "received_on": clock.today().isoformat(), "amount": "4520.00", "method": "cash"}), 201)
    # before the audit: 409
    early = fin.post(f"/api/orders/{order.pk}/advance-refunds", body)
    assert early.status_code == 409
    put_in_state(order, State.EXECUTED)
    statement = in_settlement(order, salesperson)
    line = statement.lines.order_by("position").first()
    ok(Api(salesperson).put(f"/api/statements/{statement.pk}/quantities",
                            {"quantities": {str(line.order_line_id): "1"}}))
    statement.refresh_from_db()
    audited(statement, salesperson, finance["head"])

    before = snapshot(order)
    over = fin.post(f"/api/orders/{order.pk}/advance-refunds", {**body, "amount": "1130.01"})
    bad = fin.post(f"/api/orders/{order.pk}/advance-refunds", {
        "refunded_on": (clock.today() + dt.timedelta(days=1)).isoformat(), "amount": "0",
        "method": "gold"})
    by_sales = Api(salesperson).post(f"/api/orders/{order.pk}/advance-refunds", body)
    assert snapshot(order) == before
    assert (over.status_code, bad.status_code, by_sales.status_code) == (422, 422, 403)
    assert over.json()["errors"]["amount"] == [
        "At most 1,130.00 of the advance payments is still to be refunded."]
    assert sorted(bad.json()["errors"]) == ["amount", "method", "refunded_on"]
