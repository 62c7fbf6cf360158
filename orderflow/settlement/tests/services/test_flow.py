"""From an executed order to "settled" (P7): statement from deliveries, reconciliation,
Finance audit through the approval engine, invoices, receipts, the settlement record."""

from decimal import Decimal as D

import pytest

from orderflow.approval.models import ApprovalRequest, ApprovalTask, RequestStatus
from orderflow.approval.services import task_approve, task_reject
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.masterdata.models import Customer
from orderflow.orders.models import Order
from orderflow.settlement.models import (
    Instalment,
    Invoice,
    SettlementRecord,
    SettlementStatement,
    StatementStatus,
)
from orderflow.settlement.services import (
    invoice_issue,
    invoice_void,
    receipt_record,
    statement_set_quantities,
)
from orderflow.testing.audit import verify_chain
from orderflow.testing.settlement import audit_task, audited, submitted

pytestmark = pytest.mark.django_db


def test_start_drafts_the_statement_from_delivered_quantities(statement, executed):
    assert Order.objects.get(pk=executed.pk).status == "in_settlement"
    assert (statement.number, statement.revision, statement.status) == (
        f"JS-{executed.number}-1", 1, "draft")
    lines = list(statement.lines.order_by("position").values_list(
        "delivered_quantity", "quantity", "unit_price", "amount", "tax", "total"))
    assert lines == [(D("2"), D("2"), D("1000.00"), D("2000.00"), D("260.00"), D("2260.00"))] * 2
    assert (statement.total_net, statement.total_tax, statement.total_gross) == (
        D("4000.00"), D("520.00"), D("4520.00"))
    assert statement.total_tax == sum(ln.tax for ln in statement.lines.all())


def test_sales_settles_less_than_delivered(statement, salesperson):
    first = statement.lines.order_by("position").first()
    changed = statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                                       quantities={str(first.order_line_id): "1.5"})
    assert (changed.total_net, changed.total_tax, changed.total_gross) == (
        D("3500.00"), D("455.00"), D("3955.00"))
    assert changed.total_tax == sum(ln.tax for ln in changed.lines.all())


def test_audit_builds_schedule_raises_receivables_and_renders_pdf(
        statement, salesperson, finance, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        audited(statement, salesperson, finance["staff"])
    statement.refresh_from_db()
    assert statement.status == StatementStatus.AUDITED and statement.audited_at
    assert statement.pdf.name.endswith(f"{statement.number}.pdf")
    assert statement.pdf.read()[:5] == b"%PDF-" and len(statement.pdf_sha256) == 64
    schedule = list(Instalment.objects.filter(statement=statement).order_by("position")
                    .values_list("position", "percent", "amount"))
    assert schedule == [(1, D("30"), D("1356.00")), (2, D("70"), D("3164.00"))]
    assert Customer.objects.get(pk=customer.pk).receivables_outstanding == D("4520.00")
    request = ApprovalRequest.objects.get(subject_kind="statement", subject_id=statement.pk)
    assert request.status == RequestStatus.APPROVED


@pytest.mark.e2e
def test_whole_settlement_to_settled(statement, executed, salesperson, finance, customer):
    audited(statement, salesperson, finance["staff"])
    staff = finance["staff"]
    invoice_issue(order_id=executed.pk, actor=staff, kind="vat_special", number="12345678",
                  issued_on=clock.today(), net_amount="2000.00", tax_amount="260.00")
    invoice_issue(order_id=executed.pk, actor=staff, kind="vat_special", number="12345679",
                  issued_on=clock.today(), net_amount="2000.00", tax_amount="260.00")
    first, second = Instalment.objects.filter(statement=statement).order_by("position")
    receipt_record(instalment_id=first.pk, actor=staff, received_on=clock.today(),
                   amount="1356.00", method="bank_transfer", bank_reference="B001")
    receipt_record(instalment_id=second.pk, actor=staff, received_on=clock.today(),
                   amount="3000.00", method="acceptance_bill")
    assert Order.objects.get(pk=executed.pk).status == "in_settlement"
    receipt_record(instalment_id=second.pk, actor=finance["head"], received_on=clock.today(),
                   amount="164.00", method="bank_transfer")

    assert Order.objects.get(pk=executed.pk).status == "settled"
    record = SettlementRecord.objects.get(order=executed)
    assert (record.amount, record.invoiced, record.payment_methods, record.customer_id) == (
        D("4520.00"), D("4520.00"), ["acceptance_bill", "bank_transfer"], customer.pk)
    assert Customer.objects.get(pk=customer.pk).receivables_outstanding == D("0.00")
    assert Invoice.objects.get(number="12345678").amount_in_words == "贰仟贰佰陆拾元整"
    actions = list(AuditEvent.objects.filter(action__startswith="settlement.")
                   .values_list("action", flat=True))
    assert actions.count("settlement.receipt_recorded") == 3
    assert "settlement.recorded" in actions
    assert AuditEvent.objects.filter(action="order.settle", object_id=str(executed.pk)).exists()
    assert verify_chain().ok


def test_settles_when_the_last_invoice_completes_it(statement, executed, salesperson, finance):
    audited(statement, salesperson, finance["staff"])
    for instalment in Instalment.objects.filter(statement=statement):
        receipt_record(instalment_id=instalment.pk, actor=finance["staff"],
                       received_on=clock.today(), amount=str(instalment.amount),
                       method="cash")
    assert Order.objects.get(pk=executed.pk).status == "in_settlement"
    invoice_issue(order_id=executed.pk, actor=finance["staff"], kind="vat_ordinary",
                  number="12345678901234567890", issued_on=clock.today(),
                  net_amount="4000.00", tax_amount="520.00")
    assert Order.objects.get(pk=executed.pk).status == "settled"


def test_a_void_invoice_stops_counting(statement, executed, salesperson, finance):
    audited(statement, salesperson, finance["staff"])
    invoice = invoice_issue(order_id=executed.pk, actor=finance["staff"], kind="vat_special",
                            number="11111111", issued_on=clock.today(),
                            net_amount="4000.00", tax_amount="520.00")
    invoice_void(invoice_id=invoice.pk, actor=finance["head"], reason="开票信息有误，红冲")
    invoice.refresh_from_db()
    assert invoice.is_void and invoice.void_reason == "开票信息有误，红冲"
    again = invoice_issue(order_id=executed.pk, actor=finance["staff"], kind="vat_special",
                          number="11111112", issued_on=clock.today(),
                          net_amount="4000.00", tax_amount="520.00")
    assert again.total == D("4520.00")
    assert Invoice.objects.filter(order=executed).count() == 2


def test_finance_returns_the_statement_and_sales_gets_the_next_revision(
        statement, executed, salesperson, finance, customer):
    submitted(statement, salesperson)
    task = audit_task(statement, finance["staff"])
    task_reject(task_id=task.pk, actor=finance["staff"], reason="数量与签收单不符")
    statement.refresh_from_db()
    assert (statement.status, statement.returned_reason) == ("returned", "数量与签收单不符")
    following = SettlementStatement.objects.get(order=executed, revision=2)
    assert (following.status, following.number, following.total_gross) == (
        "draft", f"JS-{executed.number}-2", D("4520.00"))
    assert Customer.objects.get(pk=customer.pk).receivables_outstanding == D("0.00")
    assert not Instalment.objects.exists()
    # The next revision goes through reconciliation and audit again.
    audited(following, salesperson, finance["staff"])
    assert following.status == "audited"


def test_any_member_of_finance_audits_the_head_included_p7_2_2(statement, salesperson,
                                                               finance):
    # given a submitted statement: every member of Finance has the task (或签)
    submitted(statement, salesperson)
    assert set(ApprovalTask.objects.filter(request__subject_kind="statement",
                                           status="pending")
               .values_list("assignee__username", flat=True)) == {
        finance["staff"].username, finance["other"].username, finance["head"].username}
    # when the Finance head approves it, then it is audited and the others' tasks close
    task_approve(task_id=audit_task(statement, finance["head"]).pk, actor=finance["head"])
    statement.refresh_from_db()
    assert statement.status == "audited"
    assert not ApprovalTask.objects.filter(request__subject_kind="statement",
                                           status="pending").exists()
