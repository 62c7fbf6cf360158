"""Who sees which orders (P1.3.2): visible_to(user) behind every list and detail."""

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core.errors import NotFound
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.selectors import order_detail, order_list, visible_to
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db

ALL = set(State)
PRE_REVIEW = {State.DRAFT, State.AWAITING_CUSTOMER, State.ESCALATED, State.CHECKED,
              State.DECLINED}
# P9.2.1: an archived order is seen only by Sales (owner, head), Archive, management and
# system admins; everyone else needs an approved query (orderflow/archive/tests).
ARCHIVED = {State.ARCHIVED}

# kind of user -> (department, roles) and the states in which they see someone's order.
KINDS = {
    "owner": (None, None, ALL),
    "other_sales": (Dept.SALES, [Role.STAFF], set()),
    "sales_head": (Dept.SALES, [Role.DEPT_HEAD], ALL),
    "division_leader": (Dept.MANAGEMENT, [Role.DIVISION_LEADER], ALL),
    "general_manager": (Dept.MANAGEMENT, [Role.GENERAL_MANAGER], ALL),
    "system_admin": (Dept.TECHNOLOGY, [Role.SYSTEM_ADMIN], ALL),
    "production": (Dept.PRODUCTION, [Role.STAFF], ALL - PRE_REVIEW - ARCHIVED),
    "quality_head": (Dept.QUALITY, [Role.DEPT_HEAD], ALL - PRE_REVIEW - ARCHIVED),
    "finance": (Dept.FINANCE, [Role.STAFF], ALL - {State.DRAFT} - ARCHIVED),
    "archive": (Dept.ARCHIVE, [Role.STAFF], {State.SETTLED, State.ARCHIVED}),
    "marketing": (Dept.MARKETING, [Role.STAFF], set()),
    "management_staff": (Dept.MANAGEMENT, [Role.STAFF], set()),
}


@pytest.fixture
def one_order_per_state(salesperson, customer, products):
    return {state: put_in_state(make_order(salesperson, customer, products), state)
            for state in State}


def _user(kind, salesperson):
    dept, roles, _ = KINDS[kind]
    return salesperson if dept is None else make_user(dept, *roles)


@pytest.mark.parametrize("kind", list(KINDS))
def test_visibility_matrix(kind, salesperson, one_order_per_state):
    user = _user(kind, salesperson)
    expected = KINDS[kind][2]
    seen = {State(s) for s in visible_to(user).values_list("status", flat=True)}
    assert seen == expected
    assert {State(o.status) for o in order_list(user)} == expected
    for state, order in one_order_per_state.items():
        if state in expected:
            assert order_detail(user, order.pk).pk == order.pk
        else:
            with pytest.raises(NotFound):
                order_detail(user, order.pk)


def test_an_order_created_for_someone_else_stays_visible_to_its_creator(
        salesperson, customer, products):
    colleague = make_user(Dept.SALES, Role.STAFF, username="colleague")
    order = make_order(salesperson, customer, products, salesperson_id=colleague.pk)
    assert order.salesperson == colleague
    assert list(visible_to(colleague)) == [order]
    assert list(visible_to(salesperson)) == [order]


def test_inactive_and_anonymous_users_see_nothing(salesperson, customer, products):
    from django.contrib.auth.models import AnonymousUser

    make_order(salesperson, customer, products)
    assert not visible_to(AnonymousUser()).exists()
    salesperson.is_active = False
    salesperson.save()
    assert not visible_to(salesperson).exists()


@pytest.mark.django_db
def test_search_by_whole_order_number_finds_exactly_that_order(salesperson, customer,
                                                               products):
    # Given two orders whose numbers share a prefix
    from orderflow.orders.selectors import OrderFilters, order_list
    from orderflow.orders.services import order_create
    from orderflow.testing.factories import order_payload

    first = order_create(actor=salesperson, **order_payload(customer, products))
    order_create(actor=salesperson, **order_payload(customer, products))
    # When the whole number is searched (in lower case, as people type)
    found = list(order_list(salesperson, OrderFilters(q=first.number.lower())))
    # Then exactly that order is found; a partial number still matches both
    assert found == [first]
    assert len(order_list(salesperson, OrderFilters(q=first.number[:8]))) == 2
