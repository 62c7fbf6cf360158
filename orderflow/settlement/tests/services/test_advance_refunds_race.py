"""Two Finance members record the refund of the whole excess of one order at the same
instant (P7.1.1, P7.2.2). Real threads, each with its own connection:
advance_refund_record locks the order row first and sums what is still to be refunded
under that lock, so exactly one refund is written and the other is refused on its
amount."""

from decimal import Decimal as D

import pytest
from django.db import connection

from orderflow.accounts.models import User
from orderflow.core import clock
from orderflow.core.errors import ValidationFailed
from orderflow.settlement.models import AdvanceRefund
from orderflow.settlement.services import advance_refund_record, advances
from orderflow.testing.audit import verify_chain
from orderflow.testing.race import race, slowed
from orderflow.testing.settlement import (
    audited_with_excess,
    delivered_in_execution,
    finance_people,
)

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL"),
]


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
    assert sorted(type(r).__name__ for r in outcome) == ["AdvanceRefund",
                                                         "ValidationFailed"], outcome
    refused = next(r for r in outcome if isinstance(r, ValidationFailed))
    assert refused.errors["amount"] == [
        "At most 0.00 of the advance payments is still to be refunded."]
    assert list(AdvanceRefund.objects.filter(order=order).values_list("amount", flat=True)) \
        == [D("1130.00")]
    assert verify_chain().ok
