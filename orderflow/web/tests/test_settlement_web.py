"""Settlement pages (P7): the order panel, the settlement page with every form as Sales
and Finance use it, field errors shown next to the field (422), receivables and records,
and a bounded number of queries for the page."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.approval.services import task_approve
from orderflow.core import clock
from orderflow.orders.models import Order
from orderflow.settlement.models import Instalment, Invoice, Reconciliation
from orderflow.settlement.tests.support import snapshot
from orderflow.testing.factories import make_user
from orderflow.testing.settlement import (
    audit_task,
    audited,
    executed_order,
    in_settlement,
    reconcile,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def executed(salesperson, customer, products, sales_head):
    return executed_order(salesperson, customer, products, sales_head)


def test_sales_starts_from_the_order_page_and_works_the_statement(
        client_as, executed, salesperson, finance):
    client = client_as(salesperson)
    page = client.get(f"/orders/{executed.pk}/")
    assert 'data-testid="settlement-panel"' in page.content.decode()
    client.post(f"/orders/{executed.pk}/actions/start_settlement/")
    assert Order.objects.get(pk=executed.pk).status == "in_settlement"
    statement = executed.settlement_statements.get()
    first = statement.lines.order_by("position").first()

    refused = client.post(f"/statements/{statement.pk}/quantities/",
                          {f"qty_{first.order_line_id}": "5"})
    assert refused.status_code == 422
    assert f'data-error-for="lines.{first.order_line_id}"' in refused.content.decode()
    saved = client.post(f"/statements/{statement.pk}/quantities/",
                        {f"qty_{first.order_line_id}": "1"})
    assert saved.status_code == 302
    statement.refresh_from_db()
    assert str(statement.total_gross) == "3390.00"

    client.post(f"/statements/{statement.pk}/reconciliation/", {
        "channel": "visit", "contact_name": "王经理", "confirmed_on": clock.today().isoformat(),
        "confirmed_amount": "3390.00", "payment_method": "acceptance_bill"})
    assert Reconciliation.objects.filter(statement=statement).count() == 1
    client.post(f"/statements/{statement.pk}/submit/")
    statement.refresh_from_db()
    assert statement.status == "in_audit"
    page = client.get(f"/orders/{executed.pk}/settlement/").content.decode()
    assert 'data-statement-status="in_audit"' in page and 'data-testid="audit-status"' in page


def test_finance_invoices_and_collects_on_the_page(client_as, executed, salesperson, finance):
    statement = audited(in_settlement(executed, salesperson), salesperson, finance["staff"])
    client = client_as(finance["staff"])
    page = client.get(f"/orders/{executed.pk}/settlement/").content.decode()
    assert 'data-testid="invoice-form"' in page and 'data-testid="receipt-form"' in page
    over = client.post(f"/orders/{executed.pk}/settlement/invoices/", {
        "kind": "vat_special", "number": "12345678", "issued_on": clock.today().isoformat(),
        "net_amount": "5000", "tax_amount": "0"})
    assert over.status_code == 422 and 'data-error-for="net_amount"' in over.content.decode()
    assert not Invoice.objects.exists()
    client.post(f"/orders/{executed.pk}/settlement/invoices/", {
        "kind": "vat_special", "number": "12345678", "issued_on": clock.today().isoformat(),
        "net_amount": "4000", "tax_amount": "520"})
    first, second = Instalment.objects.filter(statement=statement).order_by("position")
    before = snapshot(executed)
    too_much = client.post(f"/instalments/{first.pk}/receipts/", {
        "received_on": clock.today().isoformat(), "amount": "9999", "method": "cash"})
    assert too_much.status_code == 422
    assert 'data-error-for="amount"' in too_much.content.decode()
    assert snapshot(executed) == before
    for instalment in (first, second):
        client.post(f"/instalments/{instalment.pk}/receipts/", {
            "received_on": clock.today().isoformat(), "amount": str(instalment.amount),
            "method": "bank_transfer"})
    page = client.get(f"/orders/{executed.pk}/settlement/").content.decode()
    assert 'data-testid="settled"' in page
    records = client.get("/settlement/records/").content.decode()
    assert executed.number in records


def test_disputes_on_the_page(client_as, executed, salesperson, finance):
    in_settlement(executed, salesperson)
    client = client_as(salesperson)
    bad = client.post(f"/orders/{executed.pk}/settlement/disputes/",
                      {"reason": "", "disputed_amount": "-1"})
    assert bad.status_code == 422
    assert 'data-error-for="reason"' in bad.content.decode()
    client.post(f"/orders/{executed.pk}/settlement/disputes/",
                {"reason": "客户拖欠尾款", "disputed_amount": "3164"})
    dispute = executed.settlement_disputes.get()
    client.post(f"/disputes/{dispute.pk}/entries/", {
        "happened_on": clock.today().isoformat(), "channel": "phone", "summary": "电话催收"})
    client.post(f"/disputes/{dispute.pk}/escalate/", {"legal_status": "已发律师函"})
    dispute.refresh_from_db()
    assert (dispute.status, dispute.entries.count()) == ("legal", 1)
    page = client.get(f"/orders/{executed.pk}/").content.decode()
    assert 'data-testid="dispute-alert"' in page


def test_refusals_on_the_page(client_as, executed, salesperson, finance):
    statement = in_settlement(executed, salesperson)
    first = statement.lines.first()
    stranger = make_user(Dept.SALES, Role.STAFF, username="sales8")
    assert client_as(stranger).get(f"/orders/{executed.pk}/settlement/").status_code == 404
    assert client_as(finance["staff"]).post(
        f"/statements/{statement.pk}/quantities/",
        {f"qty_{first.order_line_id}": "1"}).status_code == 403
    assert client_as(salesperson).get("/settlement/receivables/").status_code == 403


def test_receivables_page_and_statement_excel(client_as, executed, salesperson, finance):
    statement = audited(in_settlement(executed, salesperson), salesperson, finance["staff"])
    page = client_as(finance["head"]).get("/settlement/receivables/").content.decode()
    assert executed.number in page and "4,520.00" in page
    book = load_workbook(io.BytesIO(client_as(salesperson)
                                    .get(f"/statements/{statement.pk}/xlsx/").content))
    assert book["Statement"].max_row == 5   # header, two lines, total, in words


def test_settlement_page_query_count_does_not_grow(client_as, salesperson, customer,
                                                    products, sales_head, finance):
    def page_queries(order):
        client = client_as(finance["staff"])
        client.get(f"/orders/{order.pk}/settlement/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/orders/{order.pk}/settlement/").status_code == 200
        return len(queries)

    small = executed_order(salesperson, customer, products, sales_head)
    audited(in_settlement(small, salesperson), salesperson, finance["staff"])
    big = executed_order(salesperson, customer, products * 3, sales_head)
    statement = audited(in_settlement(big, salesperson), salesperson, finance["other"])
    for instalment in Instalment.objects.filter(statement=statement):
        for _ in range(2):
            from orderflow.settlement.services import receipt_record

            receipt_record(instalment_id=instalment.pk, actor=finance["staff"],
                           received_on=clock.today(), amount="1", method="cash")
    assert page_queries(big) == page_queries(small)
    assert page_queries(big) <= 30


def test_inbox_shows_the_statement_task(client_as, executed, salesperson, finance):
    statement = in_settlement(executed, salesperson)
    reconcile(statement, salesperson)
    from orderflow.settlement.services import statement_submit

    statement_submit(statement_id=statement.pk, actor=salesperson)
    page = client_as(finance["staff"]).get("/inbox/").content.decode()
    assert executed.number in page and "Approve: 财务审核<" in page
    task = audit_task(statement, finance["staff"])
    task_approve(task_id=task.pk, actor=finance["staff"])
    statement.refresh_from_db()
    assert statement.status == "audited"


def test_inbox_names_the_statement_subject(client_as, executed, salesperson, finance):
    from orderflow.settlement.services import statement_submit

    statement = in_settlement(executed, salesperson)
    reconcile(statement, salesperson)
    statement_submit(statement_id=statement.pk, actor=salesperson)
    page = client_as(finance["other"]).get("/inbox/").content.decode()
    assert "Settlement statement · Approve: 财务审核<" in page
    answer = client_as(finance["other"]).get("/api/inbox").json()
    assert [t["subject_kind"] for t in answer["approvals"]] == ["statement"]


def test_workbench_lists_settlement_work(client_as, executed, salesperson, finance):
    page = client_as(salesperson).get("/").content.decode()
    assert 'data-testid="settlement-waiting"' in page and "Start the settlement" in page
    statement = audited(in_settlement(executed, salesperson), salesperson, finance["staff"])
    page = client_as(finance["head"]).get("/").content.decode()
    assert "Issue the invoices of the audited statement" in page
    assert f"/orders/{statement.order_id}/settlement/" in page
