"""Two Finance members record the last amount due at the same instant (P7.2.2). Real
threads, each with its own connection: receipt_record locks the order row first and reads
what the instalment still owes under that lock, so exactly one receipt is written and the
other is refused as larger than the amount due."""

from decimal import Decimal as D

import pytest
from django.db import connection

from orderflow.accounts.models import User
from orderflow.core import clock
from orderflow.core.errors import ValidationFailed
from orderflow.masterdata.models import Customer
from orderflow.orders.models import Order
from orderflow.settlement.models import Instalment, Invoice, Receipt, SettlementRecord
from orderflow.settlement.services import invoice_issue, receipt_record
from orderflow.testing.audit import verify_chain
from orderflow.testing.race import one_wins, race
from orderflow.testing.settlement import audited, executed_order, finance_people, in_settlement

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL"),
]


def test_two_receipts_for_the_last_amount_due_exactly_one_succeeds_p7_2_2(
        salesperson, sales_head, customer, products):
    # given an audited statement (not invoiced yet) with only the last instalment owed
    finance = finance_people()
    order = executed_order(salesperson, customer, products, sales_head)
    statement = audited(in_settlement(order, salesperson), salesperson, finance["staff"])
    first, last = Instalment.objects.filter(statement=statement).order_by("position")
    receipt_record(instalment_id=first.pk, actor=finance["staff"],
                   received_on=clock.today(), amount=str(first.amount), method="cash")

    # when two Finance members record the remaining 3,164.00 at the same instant
    def job(key):
        return lambda: receipt_record(
            instalment_id=last.pk, actor=User.objects.get(pk=finance[key].pk),
            received_on=clock.today(), amount="3164.00", method="bank_transfer")

    outcome = race([job("staff"), job("head")])

    # then exactly one receipt was written, the other refused (collected in full, not
    # invoiced: still in settlement)
    refused = one_wins(outcome, Receipt, ValidationFailed)
    assert "larger than the amount due" in refused.errors["amount"][0]
    assert Receipt.objects.filter(instalment=last).count() == 1
    assert Instalment.objects.get(pk=last.pk).paid_amount == D("3164.00")
    assert Customer.objects.get(pk=customer.pk).receivables_outstanding == D("0.00")
    assert Order.objects.get(pk=order.pk).status == "in_settlement"
    # the invoice completes it: settled once, with its record
    invoice_issue(order_id=order.pk, actor=finance["staff"], kind="vat_special",
                  number="12345678", issued_on=clock.today(), net_amount="4000.00",
                  tax_amount="520.00")
    assert Order.objects.get(pk=order.pk).status == "settled"
    assert SettlementRecord.objects.filter(order=order).count() == 1
    assert verify_chain().ok


def test_one_invoice_number_on_two_orders_at_once_is_a_field_error_p7_2_2(
        salesperson, sales_head, customer, products):
    # given two audited statements of two orders (their order locks do not meet)
    finance = finance_people()
    orders = [executed_order(salesperson, customer, products, sales_head) for _ in range(2)]
    for order in orders:
        audited(in_settlement(order, salesperson), salesperson, finance["staff"])

    # when both are invoiced with the same VAT invoice number at the same instant
    def job(order, key):
        return lambda: invoice_issue(
            order_id=order.pk, actor=User.objects.get(pk=finance[key].pk), kind="vat_special",
            number="87654321", issued_on=clock.today(), net_amount="100.00",
            tax_amount="13.00")

    outcome = race([job(orders[0], "staff"), job(orders[1], "head")])

    # then one invoice is recorded; the other is refused on its number, not a crash
    refused = one_wins(outcome, Invoice, ValidationFailed)
    assert list(refused.errors) == ["number"]
    assert Invoice.objects.filter(number="87654321").count() == 1
    assert verify_chain().ok
