"""Advance payments on the pages (P7.1.1): reachable from the order page of an order in
execution, recorded and voided on the settlement page with the field errors next to the
fields (422), shown as applied or to be refunded after the audit, the excess refunded by
Finance, and a page whose query count does not grow with the number of advances."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core import clock
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.tests.support import put_in_state
from orderflow.settlement.models import AdvanceReceipt, AdvanceRefund
from orderflow.settlement.services import advance_record, statement_set_quantities
from orderflow.settlement.tests.support import snapshot
from orderflow.testing.factories import make_user
from orderflow.testing.settlement import (
    audited,
    audited_with_excess,
    delivered_in_execution,
    executed_order,
    in_settlement,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def order(salesperson, customer, products, sales_head):
    return delivered_in_execution(salesperson, customer, products, sales_head)


def test_finance_reaches_the_advances_from_the_order_page_and_records_one(
        client_as, order, finance):
    client = client_as(finance["staff"])
    detail = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="advances-panel"' in detail
    assert f'href="/orders/{order.pk}/settlement/#advances"' in detail

    page = client.get(f"/orders/{order.pk}/settlement/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="advances"' in html and 'data-testid="advance-form"' in html

    before = snapshot(order)
    bad = client.post(f"/orders/{order.pk}/settlement/advances/", {
        "received_on": clock.today().isoformat(), "amount": "-3", "method": "bank_transfer",
        "bank_reference": "CMB001"})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert 'data-error-for="amount"' in html and "Must be greater than zero." in html
    assert 'value="CMB001"' in html                        # what was typed is kept
    assert snapshot(order) == before

    saved = client.post(f"/orders/{order.pk}/settlement/advances/", {
        "received_on": clock.today().isoformat(), "amount": "1356.00",
        "method": "bank_transfer", "bank_reference": "CMB001", "note": "30% 预付款"})
    assert saved.status_code == 302
    advance = AdvanceReceipt.objects.get(order=order)
    assert (str(advance.amount), advance.recorded_by_id) == ("1356.00", finance["staff"].pk)
    html = client.get(f"/orders/{order.pk}/settlement/").content.decode()
    assert f'data-advance="{advance.pk}" data-status="pending"' in html
    assert "¥1,356.00" in html


def test_void_needs_a_reason_on_the_page(client_as, order, finance):
    advance = advance_record(order_id=order.pk, actor=finance["staff"],
                             received_on=clock.today(), amount="100", method="cash")
    client = client_as(finance["head"])
    refused = client.post(f"/advances/{advance.pk}/void/", {"reason": ""})
    assert refused.status_code == 422
    assert 'data-error-for="reason"' in refused.content.decode()
    assert client.post(f"/advances/{advance.pk}/void/",
                       {"reason": "重复录入"}).status_code == 302
    advance.refresh_from_db()
    assert advance.is_void and advance.void_reason == "重复录入"


def test_who_sees_and_who_records(client_as, order, finance, salesperson):
    advance_record(order_id=order.pk, actor=finance["staff"], received_on=clock.today(),
                   amount="1356.00", method="cash")
    sales = client_as(salesperson)
    html = sales.get(f"/orders/{order.pk}/settlement/").content.decode()
    assert 'data-testid="advances"' in html and 'data-testid="advance-form"' not in html
    assert 'data-testid="advances-panel"' in sales.get(f"/orders/{order.pk}/").content.decode()
    assert sales.post(f"/orders/{order.pk}/settlement/advances/", {
        "received_on": clock.today().isoformat(), "amount": "1",
        "method": "cash"}).status_code == 403
    production = client_as(make_user(Dept.PRODUCTION, Role.STAFF, username="prod1"))
    assert production.get(f"/orders/{order.pk}/settlement/").status_code == 403
    detail = production.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="advances-panel"' not in detail and "1,356.00" not in detail


def test_excess_is_shown_after_the_audit(client_as, order, finance, salesperson):
    advance_record(order_id=order.pk, actor=finance["staff"], received_on=clock.today(),
                   amount="4520.00", method="bank_transfer")
    put_in_state(order, State.EXECUTED)
    statement = in_settlement(order, salesperson)
    line = statement.lines.order_by("position").first()
    statement = statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                                         quantities={str(line.order_line_id): "1"})
    audited(statement, salesperson, finance["staff"])
    html = client_as(finance["staff"]).get(f"/orders/{order.pk}/settlement/").content.decode()
    # the amount inside the alert (the statement's line is ¥1,130.00 too)
    assert "¥1,130.00" in _excess(html)
    assert 'data-status="partly_applied"' in html and 'data-testid="advance-form"' not in html
    panel = client_as(salesperson).get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="panel-advances"' in panel and "¥1,130.00" in _excess(panel)


def _excess(html: str) -> str:
    """The text of the element that says what is to be refunded."""
    found = re.search(r'data-testid="advance-excess">(.*?)</(?:div|span)>', html, re.S)
    assert found, "no excess shown"
    return found[1]


def test_page_queries_do_not_grow_with_the_advances(client_as, order, finance, salesperson,
                                                   customer, products, sales_head):
    other = put_in_state(executed_order(salesperson, customer, products, sales_head),
                         State.IN_EXECUTION)
    advance_record(order_id=other.pk, actor=finance["staff"], received_on=clock.today(),
                   amount="1", method="cash")
    for n in range(10):
        advance_record(order_id=order.pk, actor=finance["head" if n % 2 else "staff"],
                       received_on=clock.today() - dt.timedelta(days=n), amount="10",
                       method="cash")

    def page_queries(o):
        client = client_as(finance["other"])
        client.get(f"/orders/{o.pk}/settlement/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/orders/{o.pk}/settlement/").status_code == 200
        return len(queries)

    assert page_queries(order) == page_queries(other)
    assert page_queries(order) <= 30


def test_refund_form_only_while_something_is_to_be_refunded_p7_2_2(client_as, order, finance,
                                                                   salesperson):
    # before the audit: no refund form
    client = client_as(finance["staff"])
    advance_record(order_id=order.pk, actor=finance["staff"], received_on=clock.today(),
                   amount="100", method="cash")
    html = client.get(f"/orders/{order.pk}/settlement/").content.decode()
    assert 'data-testid="advance-refund-form"' not in html
    AdvanceReceipt.objects.filter(order=order).delete()

    # after an audit leaving 1,130.00: the form, prefilled with it, for Finance only
    audited_with_excess(order, salesperson, finance)
    html = client.get(f"/orders/{order.pk}/settlement/").content.decode()
    assert 'data-testid="advance-refund-form"' in html
    assert 'name="amount" id="ref-amount" value="1130.00"' in html
    sales = client_as(salesperson).get(f"/orders/{order.pk}/settlement/").content.decode()
    assert 'data-testid="advance-excess"' in sales
    assert 'data-testid="advance-refund-form"' not in sales
    assert client_as(salesperson).post(f"/orders/{order.pk}/settlement/advance-refunds/", {
        "refunded_on": clock.today().isoformat(), "amount": "1",
        "method": "cash"}).status_code == 403

    # a bad amount: 422 with the field error next to the field, what was typed kept
    client = client_as(finance["staff"])        # one test client: logged in again
    before = snapshot(order)
    bad = client.post(f"/orders/{order.pk}/settlement/advance-refunds/", {
        "refunded_on": clock.today().isoformat(), "amount": "1130.01",
        "method": "bank_transfer", "bank_reference": "CMB-RF-01"})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert 'data-error-for="amount"' in html
    assert "At most 1,130.00 of the advance payments is still to be refunded." in html
    assert 'value="CMB-RF-01"' in html
    assert snapshot(order) == before

    # a good one: listed, nothing left to refund, the form gone
    saved = client.post(f"/orders/{order.pk}/settlement/advance-refunds/", {
        "refunded_on": clock.today().isoformat(), "amount": "1130.00",
        "method": "bank_transfer", "bank_reference": "CMB-RF-01", "note": "退回多收款"})
    assert saved.status_code == 302
    refund = AdvanceRefund.objects.get(order=order)
    html = client.get(f"/orders/{order.pk}/settlement/").content.decode()
    assert f'data-refund="{refund.pk}"' in html and "CMB-RF-01" in html
    assert 'data-testid="advance-refund-form"' not in html
    assert 'data-testid="advance-excess"' not in html
    assert 'data-status="refunded"' in html
