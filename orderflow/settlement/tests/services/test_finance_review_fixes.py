"""Finance's UI review (P7.2.2, P7.2.3): a receipt dated before the order, a dispute larger
than what the customer owes, an invoice whose tax is not the statement's rate, and money in
messages printed one way (thousands separators, to the fen). The order: two lines of
2 x 1000.00 at 13%, 4,520.00 with tax; instalments 1,356.00 and 3,164.00."""

from decimal import Decimal as D

import pytest

from orderflow.core import clock
from orderflow.core.errors import ValidationFailed
from orderflow.settlement.models import Dispute, Instalment, Invoice, Receipt, StatementLine
from orderflow.settlement.services import (
    dispute_open,
    invoice_issue,
    receipt_record,
    statement_set_quantities,
)
from orderflow.testing.settlement import audited, executed_order, in_settlement, reconcile

from ..support import days_ago, snapshot

pytestmark = pytest.mark.django_db



def refused(call, *, errors, order=None) -> ValidationFailed:
    before = snapshot(order)
    with pytest.raises(ValidationFailed) as info:
        call()
    assert snapshot(order) == before
    assert sorted(info.value.errors) == sorted(errors), info.value.errors
    return info.value


@pytest.fixture
def audited_10(salesperson, customer, products, sales_head, finance):
    """An order dated ten days ago, its statement audited."""
    order = executed_order(salesperson, customer, products, sales_head,
                           order_date=days_ago(10))
    audited(in_settlement(order, salesperson), salesperson, finance["head"])
    return order


def first_instalment(order) -> Instalment:
    return Instalment.objects.get(order=order, position=1)


def invoice(order, finance, *, net, tax, number="12345678"):
    return lambda: invoice_issue(order_id=order.pk, actor=finance["staff"],
                                 kind="vat_special", number=number, issued_on=clock.today(),
                                 net_amount=net, tax_amount=tax)


# -- 1. a receipt is never dated before the order (the advances' rule) --------------------

def test_a_receipt_is_refused_before_the_order_date_recorded_on_it(audited_10, finance):
    failure = refused(lambda: receipt_record(
        instalment_id=first_instalment(audited_10).pk, actor=finance["staff"],
        received_on=days_ago(11), amount="100.00", method="bank_transfer"),
        errors=["received_on"], order=audited_10)
    assert failure.errors["received_on"] == [
        f"The date cannot be before the order date ({days_ago(10).isoformat()})."]
    receipt = receipt_record(instalment_id=first_instalment(audited_10).pk,
                             actor=finance["staff"], received_on=days_ago(10),
                             amount="100.00", method="bank_transfer")
    assert (receipt.received_on, receipt.amount) == (days_ago(10), D("100.00"))


def test_a_receipt_dated_years_before_the_order_reports_every_field(audited_10, finance):
    refused(lambda: receipt_record(
        instalment_id=first_instalment(audited_10).pk, actor=finance["staff"],
        received_on="2019-01-01", amount="0", method="gold"),
        errors=["received_on", "amount", "method"], order=audited_10)


# -- 2. a dispute is positive and at most what the customer owes --------------------------

def test_a_dispute_over_the_audited_statement_is_refused(statement, executed, salesperson,
                                                         finance):
    # given the statement settles one unit less than ordered (3,390.00), audited
    first = statement.lines.order_by("position").first()
    statement = statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                                         quantities={str(first.order_line_id): "1"})
    audited(statement, salesperson, finance["head"])
    failure = refused(lambda: dispute_open(order_id=executed.pk, actor=salesperson,
                                           reason="尾款争议", disputed_amount="3390.01"),
                      errors=["disputed_amount"], order=executed)
    assert failure.errors["disputed_amount"] == [
        "The disputed amount cannot exceed the statement total (3,390.00)."]
    refused(lambda: dispute_open(order_id=executed.pk, actor=salesperson,
                                 reason="尾款争议", disputed_amount="99999999.00"),
            errors=["disputed_amount"], order=executed)
    dispute = dispute_open(order_id=executed.pk, actor=salesperson, reason="尾款争议",
                           disputed_amount="3390.00")
    assert dispute.disputed_amount == D("3390.00")


def test_before_the_audit_a_dispute_is_at_most_the_order_total(statement, executed,
                                                               salesperson):
    # the draft statement settles less (3,390.00): not audited, the order total counts
    first = statement.lines.order_by("position").first()
    statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                             quantities={str(first.order_line_id): "1"})
    failure = refused(lambda: dispute_open(order_id=executed.pk, actor=salesperson,
                                           reason="付款延迟", disputed_amount="4520.01"),
                      errors=["disputed_amount"], order=executed)
    assert failure.errors["disputed_amount"] == [
        "The disputed amount cannot exceed the order total (4,520.00)."]
    dispute_open(order_id=executed.pk, actor=salesperson, reason="付款延迟",
                 disputed_amount="4520.00")
    assert Dispute.objects.get(order=executed).disputed_amount == D("4520.00")


def test_a_dispute_of_nothing_is_refused(statement, executed, salesperson):
    failure = refused(lambda: dispute_open(order_id=executed.pk, actor=salesperson,
                                           reason="付款延迟", disputed_amount="0"),
                      errors=["disputed_amount"], order=executed)
    assert failure.errors["disputed_amount"] == ["Must be greater than zero."]


# -- 3. an invoice's tax is the amount before tax at the statement's rate ------------------

def test_an_invoice_taxed_at_another_rate_is_refused(statement, executed, salesperson,
                                                     finance):
    audited(statement, salesperson, finance["head"])
    failure = refused(invoice(executed, finance, net="1000.00", tax="500.00"),
                      errors=["tax_amount"], order=executed)
    assert failure.errors["tax_amount"] == [
        "The tax should be 130.00 (the amount before tax × 13%)."]
    # a fen per line (two lines) either way for rounding, no more
    refused(invoice(executed, finance, net="1000.00", tax="129.97"), errors=["tax_amount"])
    refused(invoice(executed, finance, net="1000.00", tax="130.03"), errors=["tax_amount"])
    assert invoice(executed, finance, net="1000.00", tax="130.02")().tax_amount == \
        D("130.02")
    assert invoice(executed, finance, net="1000.00", tax="129.98",
                   number="12345679")().tax_amount == D("129.98")


def test_over_the_statement_and_at_another_rate_both_are_reported(statement, executed,
                                                                   salesperson, finance):
    audited(statement, salesperson, finance["head"])
    failure = refused(invoice(executed, finance, net="5000.00", tax="0"),
                      errors=["net_amount", "tax_amount"], order=executed)
    assert failure.errors == {
        "net_amount": ["The invoices would exceed the statement total: at most 4,520.00 "
                       "(with tax) can still be invoiced."],
        "tax_amount": ["The tax should be 650.00 (the amount before tax × 13%)."]}


def test_mixed_rates_the_tax_lies_between_the_lowest_and_the_highest(statement, executed,
                                                                     salesperson, finance):
    audited(statement, salesperson, finance["head"])
    # given the second line taxed at 9% (lines at 13% and 9%)
    second = statement.lines.order_by("position").last()
    StatementLine.objects.filter(pk=second.pk).update(tax_rate=D("0.09"))
    failure = refused(invoice(executed, finance, net="1000.00", tax="130.03"),
                      errors=["tax_amount"], order=executed)
    assert failure.errors["tax_amount"] == [
        "The tax should be between 90.00 and 130.00 (the amount before tax × 9% to × 13%)."]
    refused(invoice(executed, finance, net="1000.00", tax="89.97"), errors=["tax_amount"])
    assert invoice(executed, finance, net="1000.00", tax="110.00")().tax_amount == \
        D("110.00")


def test_a_line_settling_nothing_does_not_count_for_the_rate(statement, executed,
                                                             salesperson, finance):
    # given the first line settles nothing; its rate (9%) is on no invoice
    first = statement.lines.order_by("position").first()
    statement = statement_set_quantities(statement_id=statement.pk, actor=salesperson,
                                         quantities={str(first.order_line_id): "0"})
    audited(statement, salesperson, finance["head"])
    StatementLine.objects.filter(pk=first.pk).update(tax_rate=D("0.09"))
    failure = refused(invoice(executed, finance, net="1000.00", tax="100.00"),
                      errors=["tax_amount"], order=executed)
    assert failure.errors["tax_amount"] == [
        "The tax should be 130.00 (the amount before tax × 13%)."]
    assert not Invoice.objects.exists()


# -- 4. money in messages: to the fen, with thousands separators --------------------------

def test_reconciliation_message_prints_the_total_with_separators(statement, executed,
                                                                 salesperson):
    failure = refused(lambda: reconcile(statement, salesperson, confirmed_amount="4519.99"),
                      errors=["confirmed_amount"], order=executed)
    assert failure.errors["confirmed_amount"] == [
        "The customer must confirm the statement total (4,520.00); correct the statement "
        "first if they do not agree."]


def test_receipt_message_prints_the_amount_due_with_separators(statement, executed,
                                                               salesperson, finance):
    audited(statement, salesperson, finance["head"])
    failure = refused(lambda: receipt_record(
        instalment_id=first_instalment(executed).pk, actor=finance["staff"],
        received_on=clock.today(), amount="1356.01", method="cash"),
        errors=["amount"], order=executed)
    assert failure.errors["amount"] == [
        "The receipt is larger than the amount due on this instalment (1,356.00)."]
    assert not Receipt.objects.exists()


def test_invoice_message_prints_the_room_with_separators(statement, executed, salesperson,
                                                         finance):
    audited(statement, salesperson, finance["head"])
    failure = refused(invoice(executed, finance, net="4000.01", tax="520.00"),
                      errors=["net_amount"], order=executed)
    assert failure.errors["net_amount"] == [
        "The invoices would exceed the statement total: at most 4,520.00 (with tax) can "
        "still be invoiced."]
