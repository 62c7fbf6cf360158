"""Two Finance members record advance payments of one order at the same instant, which
together would exceed the order total (P7.1.1). Real threads, each with its own
connection: advance_record locks the order row first and sums the live advances under
that lock, so exactly one is written and the other is refused on its amount."""

from decimal import Decimal as D

import pytest
from django.db import connection

from orderflow.accounts.models import User
from orderflow.core import clock
from orderflow.core.errors import ValidationFailed
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.tests.support import put_in_state
from orderflow.settlement.models import AdvanceReceipt
from orderflow.settlement.services import advance_record, advances
from orderflow.testing.audit import verify_chain
from orderflow.testing.race import race, slowed
from orderflow.testing.settlement import executed_order, finance_people

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
    assert sorted(type(r).__name__ for r in outcome) == ["AdvanceReceipt",
                                                         "ValidationFailed"], outcome
    refused = next(r for r in outcome if isinstance(r, ValidationFailed))
    assert list(refused.errors) == ["amount"]
    assert "at most 1,520.00 is still open" in refused.errors["amount"][0]
    assert AdvanceReceipt.objects.filter(order=order).count() == 1
    assert AdvanceReceipt.objects.get(order=order).amount == D("3000.00")
    assert verify_chain().ok
