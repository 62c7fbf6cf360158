"""Two Logistics members ship the remaining quantity of a line at the same instant
(P5.4.2). Real threads, each with its own connection: shipment_create locks the order
row first and reads what was shipped under that lock, so exactly one passes the quantity
check and the other is refused with the over-shipment error."""

from decimal import Decimal

import pytest
from django.db import connection

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import User
from orderflow.core import clock
from orderflow.core.errors import ValidationFailed
from orderflow.execution.models import Shipment, ShipmentLine
from orderflow.execution.services.logistics import shipment_create
from orderflow.testing.audit import verify_chain
from orderflow.testing.factories import make_user
from orderflow.testing.race import one_wins, race

from .test_logistics_support import english, lines_of, order_with, passed  # noqa: F401

pytestmark = [
    pytest.mark.race,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks and real concurrent writers need PostgreSQL"),
]


def test_two_shipments_of_the_remaining_quantity_exactly_one_succeeds_p5_4_2(
        salesperson, sales_head, customer, products):
    # given a line of 10, all passed final inspection, 4 already shipped
    shippers = [make_user(Dept.LOGISTICS, Role.STAFF, username=f"logistics{i}") for i in (1, 2)]
    order = order_with(salesperson, sales_head, customer, products, 10)
    line = lines_of(order)[0]
    passed(order, line, 10)

    def ship(user, quantity):
        return shipment_create(order_id=order.pk, actor=user, carrier="德邦物流",
                               packages_count=1, shipped_on=clock.today(),
                               lines=[{"order_line_id": line.pk, "quantity": quantity}])

    ship(shippers[0], "4")

    # when both ship the remaining 6 at the same instant
    def job(i):
        return lambda: ship(User.objects.get(pk=shippers[i].pk), "6")

    outcome = race([job(0), job(1)])

    # then exactly one shipment was written, the other refused as an over-shipment
    refused = one_wins(outcome, Shipment, ValidationFailed)
    assert "10 was already shipped" in refused.errors["lines.0.quantity"][0]
    assert Shipment.objects.filter(order=order).count() == 2
    assert sum(ShipmentLine.objects.filter(order_line=line)
               .values_list("quantity", flat=True)) == Decimal(10)
    assert verify_chain().ok
