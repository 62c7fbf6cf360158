"""lock_order(OrderOf(...)): the order of a record (a task, an opinion, a package) found and
row-locked in one statement, with the record's own "not found" when it does not exist and
the order's when the actor may not see it (STYLE: access helpers answer "not found")."""

import pytest
from django.db import connection

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core.errors import NotFound
from orderflow.orders.models import OrderLine
from orderflow.orders.services import OrderOf, lock_order
from orderflow.orders.tests.support import make_order
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _of(line_id: int) -> OrderOf:
    return OrderOf(OrderLine.objects.filter(pk=line_id), missing="订单行不存在")


def test_the_records_order_is_found_and_locked_in_one_statement(
        salesperson, customer, products, django_assert_num_queries):
    order = make_order(salesperson, customer, products)
    line = order.lines.first()
    lock_order(order.pk, salesperson)  # the actor's roles, read once per request
    with django_assert_num_queries(1) as captured:
        locked = lock_order(_of(line.pk), salesperson)
    assert locked.pk == order.pk
    sql = captured.captured_queries[0]["sql"]
    assert '"orders_orderline"' in sql
    # SQLite locks the whole database for writing instead and drops FOR UPDATE
    assert ("FOR UPDATE" in sql) is connection.features.has_select_for_update


def test_a_missing_record_is_not_found_in_its_own_words(salesperson):
    with pytest.raises(NotFound) as refused:
        lock_order(_of(987654), salesperson)
    assert refused.value.message == "订单行不存在"


def test_an_order_the_actor_may_not_see_is_not_found_as_an_order(salesperson, customer,
                                                                  products):
    order = make_order(salesperson, customer, products)
    stranger = make_user(Dept.PRODUCTION, Role.STAFF, username="production9")
    with pytest.raises(NotFound) as refused:
        lock_order(_of(order.lines.first().pk), stranger)
    assert refused.value.message != "订单行不存在"


def test_a_field_path_leads_to_the_order(salesperson, customer, products):
    order = make_order(salesperson, customer, products)
    line = order.lines.first()
    ref = OrderOf(OrderLine.objects.filter(product_id=line.product_id, order=order),
                  missing="-", field="order__id")
    assert lock_order(ref, salesperson).pk == order.pk
