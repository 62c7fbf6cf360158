import pytest

from orderflow.orders.services import order_create
from orderflow.testing.factories import order_payload


@pytest.mark.django_db
def test_create_order_numbers_and_totals(salesperson, customer, products):
    order = order_create(actor=salesperson, **order_payload(customer, products))
    assert order.number.startswith("SO-")
    assert order.lines.count() == 2
    assert str(order.total_net) == "4000.00"
    assert str(order.total_gross) == "4520.00"
