"""Releasing a signed-off order to the departments (P4.2.1)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import Delegation
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import order_take_action
from orderflow.orders.tests.support import make_order, order_state, put_in_state
from orderflow.release.models import ReleaseRoute, WorkPackage
from orderflow.release.services import order_release, release_route_set
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db

SIX = ["production", "procurement", "quality", "technology", "logistics", "finance"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def approved_order(owner, customer, products, **overrides):
    """Given: an order signed off (P4.1.2); revision 1 needs no SignOff row."""
    return put_in_state(make_order(owner, customer, products, **overrides), State.APPROVED)


def released_order(owner, customer, products, releaser, *, departments=None, **overrides):
    """Given: an order released to `departments` (default: the route of its type)."""
    if departments is not None:
        ReleaseRoute.objects.filter(order_type="standard").update(departments=departments)
    order = approved_order(owner, customer, products, **overrides)
    return order_release(order_id=order.pk, actor=releaser)


def members(*codes):
    """One staff member per department code, username '<code>1'."""
    return {code: make_user(Dept(code), Role.STAFF, username=f"{code}1") for code in codes}


def test_release_creates_one_planned_package_per_route_department(
        salesperson, sales_head, customer, products, settings):
    settings.LANGUAGE_CODE = "en"  # recipients read the English title
    # given an approved order with a special requirement and a member in two departments
    people = members("production", "quality")
    requirement = {"kind": "packaging", "description": "木箱包装，防潮"}
    order = approved_order(salesperson, customer, products, special_requirements=[requirement])

    # when the Sales head releases it
    result = order_release(order_id=order.pk, actor=sales_head)

    # then the order is released and every department of the route has a planned package
    assert result.status == State.RELEASED
    packages = list(WorkPackage.objects.filter(order=order).select_related("department")
                    .order_by("id"))
    assert [p.department.code for p in packages] == SIX
    for package in packages:
        assert (package.status, package.revision, package.due_date) == (
            "planned", 1, order.delivery_date)
        assert package.special_requirements == [requirement]
        assert package.updated_by_id == sales_head.pk
    # each department's members are told (in-app; mail on commit)
    notes = Notification.objects.filter(kind="release.released")
    assert sorted(n.recipient_id for n in notes) == sorted(u.pk for u in people.values())
    assert {n.title for n in notes} == {f"Order {order.number} is released to your department"}
    assert {n.body for n in notes} == {"⚠ 木箱包装，防潮"}
    event = AuditEvent.objects.get(object_id=str(order.pk), action="order.release")
    assert (event.actor_id, event.on_behalf_of_id, event.from_state, event.to_state) == (
        sales_head.pk, None, State.APPROVED, State.RELEASED)
    assert event.data == {"revision": 1, "departments": SIX}


def test_the_route_of_the_order_type_decides_the_departments(
        salesperson, sales_head, customer, products):
    ReleaseRoute.objects.filter(order_type="sample").update(departments=["quality",
                                                                         "logistics"])
    order = approved_order(salesperson, customer, products, order_type="sample")

    order_release(order_id=order.pk, actor=sales_head)

    codes = list(WorkPackage.objects.filter(order=order).order_by("id")
                 .values_list("department__code", flat=True))
    assert codes == ["quality", "logistics"]


def test_the_order_page_button_dispatches_to_release(salesperson, sales_head, customer,
                                                     products):
    order = approved_order(salesperson, customer, products)

    result = order_take_action(order_id=order.pk, action="release", actor=sales_head)

    assert result.status == State.RELEASED
    assert WorkPackage.objects.filter(order=order).count() == 6


def test_the_sales_heads_deputy_releases_on_their_behalf(salesperson, sales_head, customer,
                                                         products):
    # given a salesperson who is the Sales head's deputy today
    deputy = make_user(Dept.SALES, Role.STAFF, username="deputy")
    today = dt.date.today()
    Delegation.objects.create(principal=sales_head, deputy=deputy, starts_on=today,
                              ends_on=today + dt.timedelta(days=3), created_by=sales_head,
                              created_at=dt.datetime.now(dt.UTC))
    order = approved_order(salesperson, customer, products)

    order_release(order_id=order.pk, actor=deputy)

    event = AuditEvent.objects.get(object_id=str(order.pk), action="order.release")
    assert (event.actor_id, event.on_behalf_of_id) == (deputy.pk, sales_head.pk)


def test_only_the_sales_head_releases_and_nothing_changes_otherwise(
        salesperson, sales_head, division_leader, customer, products):
    order = approved_order(salesperson, customer, products)
    before = order_state(order.pk)

    for actor in (salesperson, division_leader):
        with pytest.raises(NotPermitted):
            order_release(order_id=order.pk, actor=actor)

    assert order_state(order.pk) == before
    assert WorkPackage.objects.count() == 0
    assert Notification.objects.filter(kind="release.released").count() == 0


@pytest.mark.parametrize("status", [State.AWAITING_SIGNOFF, State.RELEASED, State.DRAFT])
def test_only_an_approved_order_is_released(salesperson, sales_head, customer, products,
                                            status):
    order = put_in_state(make_order(salesperson, customer, products), status)
    before = order_state(order.pk)

    with pytest.raises(TransitionNotAllowed):
        order_release(order_id=order.pk, actor=sales_head)

    assert order_state(order.pk) == before
    assert WorkPackage.objects.count() == 0


def _release_queries(salesperson, sales_head, customer, products, codes) -> int:
    ReleaseRoute.objects.filter(order_type="standard").update(departments=codes)
    order = approved_order(salesperson, customer, products)
    with CaptureQueriesContext(connection) as captured:
        order_release(order_id=order.pk, actor=sales_head)
    assert WorkPackage.objects.filter(order=order).count() == len(codes)
    return len(captured.captured_queries)


def test_release_runs_a_constant_number_of_queries(salesperson, sales_head, customer,
                                                   products):
    # given members in every department (each is notified)
    for code in SIX:
        make_user(Dept(code), Role.STAFF, username=f"{code}1")
        make_user(Dept(code), Role.STAFF, username=f"{code}2")
    _release_queries(salesperson, sales_head, customer, products, SIX)  # warm caches

    two = _release_queries(salesperson, sales_head, customer, products, SIX[:2])
    six = _release_queries(salesperson, sales_head, customer, products, SIX)

    assert two == six
    assert six <= 13, six  # 13 today: lock, route, departments, packages, members, notes, audit


@pytest.fixture
def admin(db):
    return make_user(Dept.MANAGEMENT, Role.SYSTEM_ADMIN, username="admin")


def test_an_admin_sets_the_release_route(admin):
    route = release_route_set(actor=admin, order_type="service",
                              departments=["technology", "finance", "technology"])

    assert route.departments == ["technology", "finance"]
    assert ReleaseRoute.objects.get(order_type="service").departments == ["technology",
                                                                           "finance"]
    event = AuditEvent.objects.get(action="release.route_set")
    assert event.data == {"order_type": "service", "before": SIX,
                          "after": ["technology", "finance"]}


def test_bad_routes_are_refused_field_by_field(admin):
    with pytest.raises(ValidationFailed) as caught:
        release_route_set(actor=admin, order_type="nonsense", departments=["sales", "quality"])

    assert caught.value.errors == {
        "order_type": ["Select a valid choice."],
        "departments": ["“sales” is not a department that executes orders."]}
    with pytest.raises(ValidationFailed) as caught:
        release_route_set(actor=admin, order_type="service", departments=[])
    assert caught.value.errors == {"departments": ["Choose at least one department."]}
    assert ReleaseRoute.objects.get(order_type="service").departments == SIX
    assert not AuditEvent.objects.filter(action="release.route_set").exists()


def test_only_a_system_admin_sets_routes(sales_head):
    with pytest.raises(NotPermitted):
        release_route_set(actor=sales_head, order_type="service", departments=["finance"])
    assert ReleaseRoute.objects.get(order_type="service").departments == SIX
