"""Two Finance members act on one order's advance payments at the same instant (P7.1.1,
P7.2.2): two advances that together would exceed the order total, two refunds of the whole
excess. Real threads, each with its own connection: the services lock the order row first
and sum what is recorded under that lock, so exactly one is written and the other is
refused on its amount."""

from decimal import Decimal as D

import pytest
from django.db import connection

from orderflow.accounts.models import User
from orderflow.core import clock
from orderflow.core.errors import ValidationFailed
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.tests.support import put_in_state
from orderflow.settlement.models import AdvanceReceipt, AdvanceRefund
from orderflow.settlement.services import advance_record, advance_refund_record, advances
from orderflow.testing.audit import verify_chain
from orderflow.testing.race import one_wins, race, slowed
from orderflow.testing.settlement import (
    audited_with_excess,
    delivered_in_execution,
    executed_order,
    finance_people,
)

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL"),
]


def test_two_advances_over_the_order_total_exactly_one_succeeds_p7_1_1(
        salesperson, sales_head, customer, products, monkeypatch):
    # given an order in execution (4,520.00 with tax), nothing received yet
    finance = finance_people()
    order = put_in_state(executed_order(salesperson, customer, products, sales_head),
                         State.IN_EXECUTION)

    # when two Finance members record 3,000.00 each at the same instant
    def job(key, reference):
        return lambda: advance_record(
            order_id=order.pk, actor=User.objects.get(pk=finance[key].pk),
            received_on=clock.today(), amount="3000.00", method="bank_transfer",
            bank_reference=reference)

    slowed(monkeypatch, advances, "live_advances_total")
    outcome = race([job("staff", "CMB-A"), job("head", "CMB-B")])

    # then exactly one is written; the other is refused, naming what is still open
    refused = one_wins(outcome, AdvanceReceipt, ValidationFailed)
    assert list(refused.errors) == ["amount"]
    assert "at most 1,520.00 is still open" in refused.errors["amount"][0]
    assert AdvanceReceipt.objects.filter(order=order).count() == 1
    assert AdvanceReceipt.objects.get(order=order).amount == D("3000.00")
    assert verify_chain().ok


def test_two_refunds_of_the_whole_excess_exactly_one_succeeds_p7_2_2(
        salesperson, sales_head, customer, products, monkeypatch):
    # given an audited statement leaving 1,130.00 of the advances to be refunded
    finance = finance_people()
    order = delivered_in_execution(salesperson, customer, products, sales_head)
    audited_with_excess(order, salesperson, finance)

    # when two Finance members record the refund of all of it at the same instant
    def job(key, reference):
        return lambda: advance_refund_record(
            order_id=order.pk, actor=User.objects.get(pk=finance[key].pk),
            refunded_on=clock.today(), amount="1130.00", method="bank_transfer",
            bank_reference=reference)

    slowed(monkeypatch, advances, "still_to_refund")
    outcome = race([job("staff", "CMB-RF-A"), job("head", "CMB-RF-B")])

    # then exactly one is written; the other is refused, naming what is left (nothing)
    refused = one_wins(outcome, AdvanceRefund, ValidationFailed)
    assert refused.errors["amount"] == [
        "At most 0.00 of the advance payments is still to be refunded."]
    assert list(AdvanceRefund.objects.filter(order=order).values_list("amount", flat=True)) \
        == [D("1130.00")]
    assert verify_chain().ok
