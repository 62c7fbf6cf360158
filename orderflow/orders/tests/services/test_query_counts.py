"""Hot paths issue a number of queries that does not grow with the number of lines."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.orders.services import order_create, order_update
from orderflow.orders.tests.support import make_order
from orderflow.testing.factories import ProductFactory, order_payload

pytestmark = pytest.mark.django_db

MAX_CREATE_QUERIES = 13  # incl. SAVEPOINT and RELEASE
MAX_UPDATE_QUERIES = 19


@pytest.fixture
def catalogue():
    return [ProductFactory() for _ in range(20)]


def _lines(products, quantity="2"):
    return [{"product_id": p.pk, "quantity": quantity, "unit_price": "999.00",
             "specification": f"规格-{i}"} for i, p in enumerate(products)]


def _queries(fn) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def test_create_costs_the_same_for_1_and_20_lines(salesperson, customer, catalogue):
    make_order(salesperson, customer, catalogue[:1])  # warm-up: counters and chain head exist
    one = _queries(lambda: order_create(actor=salesperson, **order_payload(
        customer, catalogue, lines=_lines(catalogue[:1]))))
    twenty = _queries(lambda: order_create(actor=salesperson, **order_payload(
        customer, catalogue, lines=_lines(catalogue))))
    assert len(one) == len(twenty), "\n".join(twenty)
    assert len(twenty) <= MAX_CREATE_QUERIES, "\n".join(twenty)


def test_update_costs_the_same_for_1_and_20_lines(salesperson, customer, catalogue):
    small = make_order(salesperson, customer, catalogue, lines=_lines(catalogue[:1]))
    large = make_order(salesperson, customer, catalogue, lines=_lines(catalogue))
    warm = make_order(salesperson, customer, catalogue, lines=_lines(catalogue[:1]))
    order_update(order_id=warm.pk, actor=salesperson, **order_payload(  # caches the roles
        customer, catalogue, lines=_lines(catalogue[:1], quantity="5")))
    one = _queries(lambda: order_update(order_id=small.pk, actor=salesperson, **order_payload(
        customer, catalogue, lines=_lines(catalogue[:1], quantity="3"))))
    twenty = _queries(lambda: order_update(order_id=large.pk, actor=salesperson,
                                           **order_payload(customer, catalogue,
                                                           lines=_lines(catalogue, "3"))))
    assert len(one) == len(twenty), "\n".join(twenty)
    assert len(twenty) <= MAX_UPDATE_QUERIES, "\n".join(twenty)
    small.refresh_from_db()
    large.refresh_from_db()
    assert (small.version, large.version) == (2, 2)


def test_create_stays_within_budget(salesperson, customer, catalogue,
                                    django_assert_max_num_queries):
    make_order(salesperson, customer, catalogue[:1])
    with django_assert_max_num_queries(MAX_CREATE_QUERIES):
        order_create(actor=salesperson, **order_payload(customer, catalogue,
                                                        lines=_lines(catalogue)))
