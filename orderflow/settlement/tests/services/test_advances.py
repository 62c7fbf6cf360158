"""Advance payments (预收款): the customer pays per the agreed terms (P7.1.1, e.g. 30% on
order) before the statement exists; Finance records it from the sign-off until the audit
(P7.2.2), voids a wrong entry, and the audit applies the advances to the payment schedule
as receipts. The order: 2 x 1000.00 twice at 13% = 4,520.00; terms 30% on order, 70%
30 days after delivery."""

import datetime as dt
from decimal import Decimal as D

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.audit.models import AuditEvent
from orderflow.core import clock
from orderflow.core.errors import NotFound, NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.masterdata.models import Customer
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.settlement.models import (
    AdvanceReceipt,
    Instalment,
    Receipt,
    SettlementRecord,
)
from orderflow.settlement.services import (
    advance_record,
    advance_void,
    invoice_issue,
    receipt_record,
    statement_set_quantities,
)
from orderflow.testing.audit import verify_chain
from orderflow.testing.factories import make_user
from orderflow.testing.settlement import audited, executed_order, in_settlement, submitted

from ..support import days_ago, snapshot

pytestmark = pytest.mark.django_db
TODAY = clock.today



def record(order, actor, **overrides):
    values = {"received_on": clock.today(), "amount": "1356.00", "method": "bank_transfer",
              "bank_reference": "CMB20260301001", "note": "30% 预付款"}
    return advance_record(order_id=order.pk, actor=actor, **{**values, **overrides})


def refused(call, *, exc=ValidationFailed, order=None, errors=None):
    before = snapshot(order)
    with pytest.raises(exc) as info:
        call()
    assert snapshot(order) == before
    if errors is not None:
        assert sorted(info.value.errors) == sorted(errors), info.value.errors
    return info.value


@pytest.fixture
def in_execution(salesperson, customer, products, sales_head):
    """An order signed, released and in execution, dated ten days ago."""
    order = executed_order(salesperson, customer, products, sales_head,
                           order_date=days_ago(10))
    return put_in_state(order, State.IN_EXECUTION)


@pytest.fixture
def executed_10(salesperson, customer, products, sales_head):
    return executed_order(salesperson, customer, products, sales_head,
                          order_date=days_ago(10))


# -- recording ----------------------------------------------------------------------------

def test_finance_records_the_deposit_of_an_order_in_execution_p7_1_1(
        in_execution, finance, salesperson, customer):
    # when Finance records the 30% deposit the customer paid on order
    advance = record(in_execution, finance["staff"], received_on=days_ago(8))

    # then it is kept, not applied yet, audited; the salesperson hears of it
    advance.refresh_from_db()
    assert (advance.order_id, advance.received_on, advance.amount, advance.method,
            advance.bank_reference, advance.note, advance.recorded_by_id,
            advance.applied_amount, advance.voided_at) == (
        in_execution.pk, days_ago(8), D("1356.00"), "bank_transfer", "CMB20260301001",
        "30% 预付款", finance["staff"].pk, D("0.00"), None)
    event = AuditEvent.objects.get(action="settlement.advance_recorded")
    assert event.data == {"order": in_execution.number, "amount": "1356.00",
                          "method": "bank_transfer", "received_on": days_ago(8).isoformat(),
                          "bank_reference": "CMB20260301001"}
    assert Notification.objects.filter(recipient=salesperson,
                                       kind="settlement.advance").count() == 1
    # no receivable before the audit (P7.2.2), no receipt, order unchanged
    assert Customer.objects.get(pk=customer.pk).receivables_outstanding == D("0.00")
    assert not Receipt.objects.exists()
    assert Order.objects.get(pk=in_execution.pk).status == State.IN_EXECUTION
    assert verify_chain().ok


@pytest.mark.parametrize("state", [State.APPROVED, State.RELEASED, State.IN_EXECUTION,
                                   State.EXECUTED])
def test_recorded_in_every_state_from_the_sign_off_p4_1_2(state, executed_10, finance):
    put_in_state(executed_10, state)
    assert record(executed_10, finance["head"]).amount == D("1356.00")


def test_recorded_in_settlement_while_the_statement_is_draft_or_in_audit(
        executed_10, salesperson, finance):
    statement = in_settlement(executed_10, salesperson)
    record(executed_10, finance["staff"], amount="1000.00")
    submitted(statement, salesperson)
    record(executed_10, finance["staff"], amount="356.00")
    assert AdvanceReceipt.objects.filter(order=executed_10).count() == 2


# -- who ----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["salesperson", "sales_head", "production", "leader"])
def test_only_finance_records_p7_2_2(who, in_execution, salesperson, sales_head,
                                     division_leader, finance):
    people = {"salesperson": salesperson, "sales_head": sales_head,
              "leader": division_leader,
              "production": make_user(Dept.PRODUCTION, Role.STAFF, username="prod1")}
    refused(lambda: record(in_execution, people[who]), exc=NotPermitted, order=in_execution)


def test_an_order_finance_cannot_see_is_not_found(salesperson, customer, products, finance):
    draft = make_order(salesperson, customer, products)       # drafts: Sales only
    refused(lambda: record(draft, finance["staff"]), exc=NotFound)
    refused(lambda: advance_record(order_id=987654321, actor=finance["staff"],
                                   received_on=TODAY(), amount="1", method="cash"),
            exc=NotFound)


# -- when ---------------------------------------------------------------------------------

@pytest.mark.parametrize("state", [State.CHECKED, State.IN_REVIEW, State.IN_APPROVAL,
                                   State.AWAITING_SIGNOFF, State.CANCELLED,
                                   State.CANCELLATION_REVIEW, State.SETTLED])
def test_refused_before_the_sign_off_and_once_ended(state, executed_10, finance):
    put_in_state(executed_10, state)
    failure = refused(lambda: record(executed_10, finance["staff"]),
                      exc=TransitionNotAllowed, order=executed_10)
    assert "from the order's sign-off" in str(failure.message)


def test_refused_after_the_audit_receipts_go_to_the_instalments(
        executed_10, salesperson, finance):
    audited(in_settlement(executed_10, salesperson), salesperson, finance["staff"])
    failure = refused(lambda: record(executed_10, finance["staff"]),
                      exc=TransitionNotAllowed, order=executed_10)
    assert "as a receipt against its instalment" in str(failure.message)


# -- bad input ----------------------------------------------------------------------------

def test_bad_fields_each_named_and_nothing_written(in_execution, finance):
    failure = refused(lambda: record(
        in_execution, finance["staff"], received_on=TODAY() + dt.timedelta(days=1),
        amount="-5", method="barter", bank_reference="x" * 65, note="y" * 2001),
        order=in_execution,
        errors=["received_on", "amount", "method", "bank_reference", "note"])
    assert failure.errors["received_on"] == ["The date cannot be in the future."]
    assert failure.errors["amount"] == ["Must be greater than zero."]


def test_not_a_number_too_large_too_precise_no_date(in_execution, finance):
    for amount in ("abc", "100000000000000.00", "1.001", "0"):
        refused(lambda a=amount: record(in_execution, finance["staff"], amount=a),
                errors=["amount"])
    refused(lambda: record(in_execution, finance["staff"], received_on="",
                           method=""), errors=["received_on", "method"])
    refused(lambda: record(in_execution, finance["staff"], received_on="2026-02-30"),
            errors=["received_on"])


def test_before_the_order_date(in_execution, finance):
    failure = refused(lambda: record(in_execution, finance["staff"],
                                     received_on=days_ago(11)), errors=["received_on"])
    assert days_ago(10).isoformat() in failure.errors["received_on"][0]


def test_the_advances_never_exceed_the_order_total_p7_1_1(in_execution, finance):
    record(in_execution, finance["staff"], amount="3000.00")
    failure = refused(lambda: record(in_execution, finance["head"], amount="1520.01"),
                      errors=["amount"], order=in_execution)
    assert failure.errors["amount"] == [
        "The advance payments would exceed the order total (4,520.00): at most 1,520.00 is "
        "still open."]
    # exactly what is still open is fine
    record(in_execution, finance["head"], amount="1520.00")
    refused(lambda: record(in_execution, finance["head"], amount="0.01"), errors=["amount"])


# -- void ---------------------------------------------------------------------------------

def test_a_wrong_entry_is_voided_kept_and_no_longer_counted(in_execution, finance):
    wrong = record(in_execution, finance["staff"], amount="4520.00")
    refused(lambda: record(in_execution, finance["staff"]), errors=["amount"])

    voided = advance_void(advance_id=wrong.pk, actor=finance["head"],
                          reason="金额录错，应为 1356.00")

    voided.refresh_from_db()
    assert (voided.is_void, voided.voided_by_id, voided.void_reason) == (
        True, finance["head"].pk, "金额录错，应为 1356.00")
    assert AdvanceReceipt.objects.filter(pk=wrong.pk).exists()
    assert AuditEvent.objects.get(action="settlement.advance_voided").data == {
        "order": in_execution.number, "amount": "4520.00", "reason": "金额录错，应为 1356.00"}
    # the order total is open again
    assert record(in_execution, finance["staff"], amount="4520.00").amount == D("4520.00")


def test_void_needs_a_reason_finance_and_a_live_advance(in_execution, finance, salesperson):
    advance = record(in_execution, finance["staff"])
    refused(lambda: advance_void(advance_id=advance.pk, actor=finance["staff"], reason=" "),
            errors=["reason"])
    refused(lambda: advance_void(advance_id=advance.pk, actor=salesperson, reason="错"),
            exc=NotPermitted)
    refused(lambda: advance_void(advance_id=987654321, actor=finance["staff"], reason="错"),
            exc=NotFound)
    advance_void(advance_id=advance.pk, actor=finance["staff"], reason="重复录入")
    refused(lambda: advance_void(advance_id=advance.pk, actor=finance["staff"],
                                 reason="again"), exc=TransitionNotAllowed)


def test_no_void_after_the_audit(executed_10, salesperson, finance):
    applied = record(executed_10, finance["staff"], amount="4000.00")
    over = record(executed_10, finance["staff"], amount="520.00")
    statement = in_settlement(executed_10, salesperson)
    first = statement.lines.order_by("position").first()
    statement = statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                                         quantities={str(first.order_line_id): "1"})
    assert statement.total_gross == D("3390.00")
    audited(statement, salesperson, finance["staff"])
    for advance in (applied, over):     # applied, and the unapplied excess alike
        refused(lambda a=advance: advance_void(advance_id=a.pk, actor=finance["staff"],
                                               reason="错"), exc=TransitionNotAllowed)


# -- the audit applies them (P7.2.2) ------------------------------------------------------

def test_audit_applies_the_advances_oldest_first_as_receipts(
        executed_10, salesperson, finance, customer):
    # given three advances: 2,000.00 (6 days ago), 1,000.00 (8 days ago), 500.00 voided
    later = record(executed_10, finance["staff"], amount="2000.00", received_on=days_ago(6),
                   method="acceptance_bill", bank_reference="BILL-01", note="")
    earlier = record(executed_10, finance["head"], amount="1000.00",
                     received_on=days_ago(8))
    wrong = record(executed_10, finance["staff"], amount="500.00")
    advance_void(advance_id=wrong.pk, actor=finance["staff"], reason="重复")

    # when Finance audits the statement (schedule 1,356.00 + 3,164.00)
    statement = audited(in_settlement(executed_10, salesperson), salesperson,
                        finance["other"])

    # then the oldest pays the first instalment first, each portion a receipt
    first, second = Instalment.objects.filter(statement=statement).order_by("position")
    receipts = list(Receipt.objects.order_by("id").values_list(
        "instalment_id", "advance_id", "received_on", "amount", "method", "bank_reference",
        "recorded_by_id"))
    assert receipts == [
        (first.pk, earlier.pk, days_ago(8), D("1000.00"), "bank_transfer", "CMB20260301001",
         finance["head"].pk),
        (first.pk, later.pk, days_ago(6), D("356.00"), "acceptance_bill", "BILL-01",
         finance["staff"].pk),
        (second.pk, later.pk, days_ago(6), D("1644.00"), "acceptance_bill", "BILL-01",
         finance["staff"].pk)]
    assert Receipt.objects.get(advance=earlier).note.startswith("Advance payment (预收款)")
    assert (first.paid_amount, second.paid_amount) == (D("1356.00"), D("1644.00"))
    assert dict(AdvanceReceipt.objects.values_list("pk", "applied_amount")) == {
        earlier.pk: D("1000.00"), later.pk: D("2000.00"), wrong.pk: D("0.00")}
    # the customer owes the statement less what was paid in advance, in one step
    assert Customer.objects.get(pk=customer.pk).receivables_outstanding == D("1520.00")
    events = AuditEvent.objects.filter(action="settlement.advance_applied").order_by("id")
    assert [e.data["instalments"] for e in events] == [[[1, "1000.00"]],
                                                      [[1, "356.00"], [2, "1644.00"]]]
    assert Order.objects.get(pk=executed_10.pk).status == State.IN_SETTLEMENT
    # the rest is collected as before
    receipt_record(instalment_id=second.pk, actor=finance["staff"], received_on=TODAY(),
                   amount="1520.00", method="bank_transfer")
    assert Customer.objects.get(pk=customer.pk).receivables_outstanding == D("0.00")
    assert verify_chain().ok


def test_advances_over_a_smaller_statement_are_left_to_refund(
        executed_10, salesperson, finance, customer):
    # given the whole order total paid in advance, but less delivered and settled
    deposit = record(executed_10, finance["staff"], amount="1356.00",
                     received_on=days_ago(9))
    rest = record(executed_10, finance["staff"], amount="3164.00", received_on=days_ago(2))
    statement = in_settlement(executed_10, salesperson)
    first_line = statement.lines.order_by("position").first()
    statement = statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                                         quantities={str(first_line.order_line_id): "1"})

    # when the 3,390.00 statement is audited
    audited(statement, salesperson, finance["staff"])

    # then 3,390.00 is applied, 1,130.00 stays unapplied (to be refunded)
    assert sorted(Instalment.objects.filter(statement=statement)
                  .values_list("amount", "paid_amount")) == [
        (D("1017.00"), D("1017.00")), (D("2373.00"), D("2373.00"))]
    deposit.refresh_from_db()
    rest.refresh_from_db()
    assert (deposit.applied_amount, rest.applied_amount) == (D("1356.00"), D("2034.00"))
    assert sum(Receipt.objects.values_list("amount", flat=True)) == D("3390.00")
    assert Customer.objects.get(pk=customer.pk).receivables_outstanding == D("0.00")
    # and the invoice completes the settlement
    invoice_issue(order_id=executed_10.pk, actor=finance["staff"], kind="vat_special",
                  number="12345678", issued_on=TODAY(), net_amount="3000.00",
                  tax_amount="390.00")
    assert Order.objects.get(pk=executed_10.pk).status == State.SETTLED


def test_order_settles_when_the_advance_paid_it_all_and_it_is_invoiced_p7_2_2(
        executed_10, salesperson, finance, customer):
    # given the customer paid everything in advance
    record(executed_10, finance["staff"], amount="4520.00", method="cheque",
           received_on=days_ago(3))
    statement = audited(in_settlement(executed_10, salesperson), salesperson,
                        finance["staff"])
    assert Order.objects.get(pk=executed_10.pk).status == State.IN_SETTLEMENT
    assert Customer.objects.get(pk=customer.pk).receivables_outstanding == D("0.00")

    # when the invoices are issued
    invoice_issue(order_id=executed_10.pk, actor=finance["staff"], kind="vat_special",
                  number="12345678", issued_on=TODAY(), net_amount="2000.00",
                  tax_amount="260.00")
    assert Order.objects.get(pk=executed_10.pk).status == State.IN_SETTLEMENT
    invoice_issue(order_id=executed_10.pk, actor=finance["staff"], kind="vat_special",
                  number="12345679", issued_on=TODAY(), net_amount="2000.00",
                  tax_amount="260.00")

    # then it settles (P7.3.1) with the advance's method and date in the record
    assert Order.objects.get(pk=executed_10.pk).status == State.SETTLED
    settled = SettlementRecord.objects.get(order=executed_10)
    assert (settled.statement_id, settled.amount, settled.invoiced, settled.payment_methods,
            settled.last_received_on) == (statement.pk, D("4520.00"), D("4520.00"),
                                          ["cheque"], days_ago(3))
    assert verify_chain().ok


def test_a_returned_statement_applies_nothing_the_next_audit_does(
        executed_10, salesperson, finance, customer):
    from orderflow.approval.services import task_reject
    from orderflow.settlement.models import SettlementStatement
    from orderflow.testing.settlement import audit_task

    record(executed_10, finance["staff"], amount="1356.00")
    statement = in_settlement(executed_10, salesperson)
    submitted(statement, salesperson)
    task_reject(task_id=audit_task(statement, finance["staff"]).pk, actor=finance["staff"],
                reason="数量不符")
    assert not Receipt.objects.exists()
    assert AdvanceReceipt.objects.get().applied_amount == D("0.00")
    following = SettlementStatement.objects.get(order=executed_10, status="draft")
    audited(following, salesperson, finance["staff"])
    assert AdvanceReceipt.objects.get().applied_amount == D("1356.00")
    assert Customer.objects.get(pk=customer.pk).receivables_outstanding == D("3164.00")


def test_the_salesperson_is_told_of_an_advance_only_if_they_may_see_prices_p9_2_2(
        salesperson, customer, products, sales_head, finance):
    from orderflow.archive.services import archive_settings_update
    from orderflow.testing.settlement import delivered_in_execution

    order = delivered_in_execution(salesperson, customer, products, sales_head)
    admin = make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="sysadmin")
    archive_settings_update(actor=admin, price_departments=["finance", "management"],
                            max_grant_days=30)
    record(order, finance["staff"])
    assert not Notification.objects.filter(kind="settlement.advance").exists()
