"""Bad input and wrong state write nothing (P7): a receipt larger than the amount due, an
invoice over the statement total, a statement for undelivered quantities, negative
amounts, future dates; actions in the wrong state answer TransitionNotAllowed / Conflict."""

import datetime as dt
from decimal import Decimal as D

import pytest

from orderflow.core import clock
from orderflow.core.errors import Conflict, TransitionNotAllowed, ValidationFailed
from orderflow.orders.models import Order
from orderflow.orders.services import order_take_action
from orderflow.settlement.models import Instalment
from orderflow.settlement.services import (
    dispute_open,
    invoice_issue,
    receipt_record,
    reconciliation_record,
    statement_set_quantities,
    statement_submit,
)
from orderflow.testing.settlement import audited, reconcile, submitted

from ..support import snapshot

pytestmark = pytest.mark.django_db
TOMORROW = lambda: (clock.today() + dt.timedelta(days=1)).isoformat()  # noqa: E731


def _refused(call, *, errors=None, exc=ValidationFailed, order=None):
    before = snapshot(order)
    with pytest.raises(exc) as info:
        call()
    assert snapshot(order) == before
    if errors is not None:
        assert sorted(info.value.errors) == sorted(errors), info.value.errors
    return info.value


def test_statement_for_undelivered_quantities(statement, salesperson):
    first, second = statement.lines.order_by("position")
    failure = _refused(lambda: statement_set_quantities(
        statement_id=statement.pk, actor=salesperson,
        quantities={str(first.order_line_id): "2.001", str(second.order_line_id): "-1"}),
        errors=[f"lines.{first.order_line_id}", f"lines.{second.order_line_id}"])
    assert "undelivered" in failure.errors[f"lines.{first.order_line_id}"][0]


def test_statement_quantity_of_a_line_not_on_the_order(statement, salesperson):
    _refused(lambda: statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                                              quantities={"999999": "1", "x": "1"}),
             errors=["lines.999999", "lines.x"])


def test_reconciliation_of_another_amount_or_a_future_date(statement, salesperson):
    _refused(lambda: reconcile(statement, salesperson, confirmed_amount="4519.99",
                               confirmed_on=TOMORROW(), channel="pigeon",
                               payment_method="barter", contact_name=""),
             errors=["confirmed_amount", "confirmed_on", "channel", "payment_method",
                     "contact_name"])


def test_submit_without_reconciliation_or_after_the_total_changed(statement, salesperson):
    _refused(lambda: statement_submit(statement_id=statement.pk, actor=salesperson),
             exc=Conflict)
    reconcile(statement, salesperson)
    first = statement.lines.order_by("position").first()
    statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                             quantities={str(first.order_line_id): "1"})
    _refused(lambda: statement_submit(statement_id=statement.pk, actor=salesperson),
             exc=Conflict)


def test_invoice_over_the_statement_total(statement, executed, salesperson, finance):
    audited(statement, salesperson, finance["staff"])
    invoice_issue(order_id=executed.pk, actor=finance["staff"], kind="vat_special",
                  number="12345678", issued_on=clock.today(), net_amount="3000.00",
                  tax_amount="390.00")
    failure = _refused(lambda: invoice_issue(
        order_id=executed.pk, actor=finance["staff"], kind="vat_special", number="12345679",
        issued_on=clock.today(), net_amount="1000.00", tax_amount="130.01"),
        errors=["net_amount"], order=executed)
    assert failure.errors["net_amount"] == [
        "The invoices would exceed the statement total: at most 1,130.00 (with tax) can "
        "still be invoiced."]


def test_invoice_bad_fields(statement, executed, salesperson, finance):
    audited(statement, salesperson, finance["staff"])
    invoice_issue(order_id=executed.pk, actor=finance["staff"], kind="vat_special",
                  number="12345678", issued_on=clock.today(), net_amount="1.00",
                  tax_amount="0.13")
    _refused(lambda: invoice_issue(
        order_id=executed.pk, actor=finance["staff"], kind="vat_special", number="12345678",
        issued_on=TOMORROW(), net_amount="-5", tax_amount="-1"),
        errors=["number", "issued_on", "net_amount", "tax_amount"])
    _refused(lambda: invoice_issue(
        order_id=executed.pk, actor=finance["staff"], kind="paper", number="123",
        issued_on="2030-02-30", net_amount="x", tax_amount=""),
        errors=["kind", "number", "issued_on", "net_amount", "tax_amount"])


def test_receipt_larger_than_the_amount_due(statement, salesperson, finance):
    audited(statement, salesperson, finance["staff"])
    first = Instalment.objects.get(statement=statement, position=1)
    receipt_record(instalment_id=first.pk, actor=finance["staff"], received_on=clock.today(),
                   amount="1000.00", method="cash")
    failure = _refused(lambda: receipt_record(
        instalment_id=first.pk, actor=finance["staff"], received_on=clock.today(),
        amount="356.01", method="cash"), errors=["amount"])
    assert failure.errors["amount"] == [
        "The receipt is larger than the amount due on this instalment (356.00)."]


def test_receipt_negative_future_bad_method(statement, salesperson, finance):
    audited(statement, salesperson, finance["staff"])
    first = Instalment.objects.get(statement=statement, position=1)
    _refused(lambda: receipt_record(
        instalment_id=first.pk, actor=finance["staff"], received_on=TOMORROW(),
        amount="-1", method="gold"), errors=["received_on", "amount", "method"])


def test_dispute_negative_amount_and_no_reason(statement, executed, salesperson):
    _refused(lambda: dispute_open(order_id=executed.pk, actor=salesperson, reason=" ",
                                  disputed_amount="-10"),
             errors=["reason", "disputed_amount"])


# -- wrong state ------------------------------------------------------------------------

def test_start_twice_or_before_execution(statement, executed, salesperson):
    _refused(lambda: order_take_action(order_id=executed.pk, action="start_settlement",
                                       actor=salesperson), exc=TransitionNotAllowed,
             order=executed)


def test_invoice_and_receipt_before_the_audit(statement, executed, salesperson, finance):
    submitted(statement, salesperson)
    _refused(lambda: invoice_issue(order_id=executed.pk, actor=finance["staff"],
                                   kind="vat_special", number="12345678",
                                   issued_on=clock.today(), net_amount="1",
                                   tax_amount="0"), exc=TransitionNotAllowed)


def test_statement_cannot_change_in_audit(statement, salesperson, finance):
    submitted(statement, salesperson)
    first = statement.lines.order_by("position").first()
    _refused(lambda: statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                                              quantities={str(first.order_line_id): "1"}),
             exc=TransitionNotAllowed)
    _refused(lambda: reconciliation_record(
        statement_id=statement.pk, actor=salesperson, channel="phone", contact_name="王",
        confirmed_on=clock.today(), confirmed_amount="4520.00",
        payment_method="cash"), exc=TransitionNotAllowed)


def test_nothing_delivered_nothing_to_settle(salesperson, customer, products, sales_head):
    from orderflow.orders.domain.lifecycle import State
    from orderflow.orders.tests.support import put_in_state
    from orderflow.testing.execution import released_order

    order = put_in_state(released_order(salesperson, customer, products, sales_head,
                                        departments=["logistics"]), State.EXECUTED)
    _refused(lambda: order_take_action(order_id=order.pk, action="start_settlement",
                                       actor=salesperson), exc=Conflict, order=order)
    assert Order.objects.get(pk=order.pk).status == "executed"


def test_settled_order_takes_no_more_receipts(statement, executed, salesperson, finance):
    audited(statement, salesperson, finance["staff"])
    invoice_issue(order_id=executed.pk, actor=finance["staff"], kind="vat_special",
                  number="12345678", issued_on=clock.today(), net_amount="4000.00",
                  tax_amount="520.00")
    first, second = Instalment.objects.filter(statement=statement).order_by("position")
    receipt_record(instalment_id=first.pk, actor=finance["staff"], received_on=clock.today(),
                   amount="1356.00", method="cash")
    receipt_record(instalment_id=second.pk, actor=finance["staff"],
                   received_on=clock.today(), amount="3164.00", method="cash")
    assert Order.objects.get(pk=executed.pk).status == "settled"
    _refused(lambda: receipt_record(instalment_id=second.pk, actor=finance["staff"],
                                    received_on=clock.today(), amount="1", method="cash"),
             exc=TransitionNotAllowed)
    assert sum(i.paid_amount for i in Instalment.objects.all()) == D("4520.00")
