"""Settlement over the JSON API (P7): from an executed order to "settled" as Sales and
Finance do it, and the error mapping (403 / 404 / 409 / 422 with field keys)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core import clock
from orderflow.settlement.models import Instalment
from orderflow.settlement.tests.support import snapshot
from orderflow.testing.factories import make_user
from orderflow.testing.settlement import audited, executed_order, in_settlement

from .conftest import Api
from .flows import ok

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def executed(salesperson, customer, products, sales_head):
    return executed_order(salesperson, customer, products, sales_head)


@pytest.mark.e2e
def test_settlement_over_the_api(executed, salesperson, finance, customer):
    sales, fin = Api(salesperson), Api(finance["staff"])
    order_id = executed.pk
    assert ok(sales.post(f"/api/orders/{order_id}/actions/start_settlement"))["status"] == \
        "in_settlement"
    view = ok(sales.get(f"/api/orders/{order_id}/settlement"))
    statement = view["statement"]
    assert (statement["status"], statement["total_gross"]) == ("draft", "4520.00")
    line = statement["lines"][0]
    changed = ok(sales.put(f"/api/statements/{statement['id']}/quantities",
                           {"quantities": {str(line["order_line_id"]): "1"}}))
    assert changed["total_gross"] == "3390.00"
    ok(sales.post(f"/api/statements/{statement['id']}/reconciliation", {
        "channel": "phone", "contact_name": "王经理", "confirmed_on": clock.today().isoformat(),
        "confirmed_amount": "3390.00", "payment_method": "bank_transfer"}), 201)
    assert ok(sales.post(f"/api/statements/{statement['id']}/submit"))["status"] == "in_audit"

    [task] = ok(fin.get("/api/inbox"))["approvals"]
    ok(fin.post(f"/api/approval-tasks/{task['id']}/approve", {"comment": "审核通过"}))
    view = ok(fin.get(f"/api/orders/{order_id}/settlement"))
    assert view["statement"]["status"] == "audited"
    # 30% due at the order date (today: open, not overdue yet), 70% after delivery
    assert [(i["amount"], i["status"]) for i in view["instalments"]] == [
        ("1017.00", "open"), ("2373.00", "open")]

    ok(fin.post(f"/api/orders/{order_id}/invoices", {
        "kind": "vat_special", "number": "12345678", "issued_on": clock.today().isoformat(),
        "net_amount": "3000.00", "tax_amount": "390.00"}), 201)
    for instalment in view["instalments"]:
        ok(fin.post(f"/api/instalments/{instalment['id']}/receipts", {
            "received_on": clock.today().isoformat(), "amount": instalment["amount"],
            "method": "bank_transfer", "bank_reference": "ICBC-001"}), 201)
    view = ok(sales.get(f"/api/orders/{order_id}/settlement"))
    assert view["order_status"] == "settled"
    assert (view["record"]["amount"], view["outstanding"]) == ("3390.00", "0.00")
    records = ok(Api(finance["head"]).get("/api/settlement-records"))
    assert [r["order"]["number"] for r in records] == [executed.number]
    book = load_workbook(io.BytesIO(
        sales.get(f"/api/statements/{statement['id']}/xlsx").content))
    assert book["Statement"]["B2"].value == line["name"]


def test_errors_map_to_status_codes(executed, salesperson, finance):
    sales, fin = Api(salesperson), Api(finance["staff"])
    statement = in_settlement(executed, salesperson)
    stranger = Api(make_user(Dept.SALES, Role.STAFF, username="sales7"))
    before = snapshot(executed)
    line = statement.lines.first()
    answers = {
        "invisible": stranger.get(f"/api/orders/{executed.pk}/settlement").status_code,
        "forbidden": fin.put(f"/api/statements/{statement.pk}/quantities",
                             {"quantities": {str(line.order_line_id): "1"}}).status_code,
        "undelivered": sales.put(f"/api/statements/{statement.pk}/quantities",
                                 {"quantities": {str(line.order_line_id): "9"}}),
        "not_audited": fin.post(f"/api/orders/{executed.pk}/invoices", {
            "kind": "vat_special", "number": "12345678", "issued_on": "2020-01-01",
            "net_amount": "1", "tax_amount": "0"}).status_code,
        "not_reconciled": sales.post(f"/api/statements/{statement.pk}/submit").status_code,
        "no_pdf": sales.get(f"/api/statements/{statement.pk}/pdf").status_code,
    }
    assert snapshot(executed) == before
    undelivered = answers.pop("undelivered")
    assert undelivered.status_code == 422
    assert list(undelivered.json()["errors"]) == [f"lines.{line.order_line_id}"]
    assert answers == {"invisible": 404, "forbidden": 403, "not_audited": 409,
                       "not_reconciled": 409, "no_pdf": 404}


def test_receipt_over_due_is_422_and_receivables_403_for_sales(executed, salesperson,
                                                              finance):
    statement = audited(in_settlement(executed, salesperson), salesperson, finance["staff"])
    first = Instalment.objects.get(statement=statement, position=1)
    before = snapshot(executed)
    over = Api(finance["staff"]).post(f"/api/instalments/{first.pk}/receipts", {
        "received_on": clock.today().isoformat(), "amount": "1356.01", "method": "cash"})
    assert over.status_code == 422 and list(over.json()["errors"]) == ["amount"]
    assert snapshot(executed) == before
    assert Api(salesperson).get("/api/receivables").status_code == 403
    [row] = ok(Api(finance["head"]).get("/api/receivables"))
    assert (row["outstanding"], len(row["instalments"])) == ("4520.00", 2)


def test_receipt_action_query_count_is_bounded(executed, salesperson, finance):
    statement = audited(in_settlement(executed, salesperson), salesperson, finance["staff"])
    first, second = Instalment.objects.filter(statement=statement).order_by("position")
    fin = Api(finance["staff"])
    fin.get("/api/inbox")  # warm the session
    with CaptureQueriesContext(connection) as first_run:
        ok(fin.post(f"/api/instalments/{first.pk}/receipts", {
            "received_on": clock.today().isoformat(), "amount": "1", "method": "cash"}), 201)
    assert len(first_run) <= 30, [q["sql"][:120] for q in first_run.captured_queries]
    with CaptureQueriesContext(connection) as second_run:
        ok(fin.post(f"/api/instalments/{second.pk}/receipts", {
            "received_on": clock.today().isoformat(), "amount": "1", "method": "cash"}), 201)
    assert len(second_run) == len(first_run)


def test_disputes_and_invoice_void_over_the_api(executed, salesperson, finance):
    statement = audited(in_settlement(executed, salesperson), salesperson, finance["staff"])
    sales, fin = Api(salesperson), Api(finance["staff"])
    dispute = ok(sales.post(f"/api/orders/{executed.pk}/disputes",
                            {"reason": "尾款逾期", "disputed_amount": "3164.00"}), 201)
    ok(sales.post(f"/api/disputes/{dispute['id']}/entries", {
        "happened_on": clock.today().isoformat(), "channel": "phone",
        "summary": "电话催款", "outcome": "承诺下周付款"}), 201)
    legal = ok(sales.post(f"/api/disputes/{dispute['id']}/escalate",
                          {"legal_status": "已发律师函", "lawyer": "周律师"}))
    assert (legal["status"], len(legal["entries"])) == ("legal", 1)
    assert fin.post(f"/api/disputes/{dispute['id']}/close",
                    {"resolution": "x"}).status_code == 403
    closed = ok(sales.post(f"/api/disputes/{dispute['id']}/close",
                           {"resolution": "客户已付款", "outcome": "resolved"}))
    assert closed["status"] == "resolved"
    assert sales.post(f"/api/disputes/{dispute['id']}/close",
                      {"resolution": "again"}).status_code == 409

    invoice = ok(fin.post(f"/api/orders/{executed.pk}/invoices", {
        "kind": "vat_ordinary", "number": "87654321", "issued_on": clock.today().isoformat(),
        "net_amount": "100.00", "tax_amount": "13.00"}), 201)
    assert invoice["amount_in_words"] == "壹佰壹拾叁元整"
    no_reason = fin.post(f"/api/invoices/{invoice['id']}/void", {"reason": ""})
    assert no_reason.status_code == 422 and list(no_reason.json()["errors"]) == ["reason"]
    void = ok(fin.post(f"/api/invoices/{invoice['id']}/void", {"reason": "金额有误，红冲"}))
    assert void["is_void"] is True
    view = ok(sales.get(f"/api/orders/{executed.pk}/settlement"))
    assert (view["invoiced"], view["statement"]["id"]) == ("0.00", statement.pk)
