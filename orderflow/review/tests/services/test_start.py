"""Starting a review (P3.1.1, P3.1.2, P3.3.1, P3.3.2): the round, its opinions and
deadlines, the panel of a major order, who is told."""

import datetime as dt
from decimal import Decimal

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.accounts.models import User
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import Conflict, NotFound, NotPermitted, TransitionNotAllowed
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import order_take_action
from orderflow.orders.services.content import content_hash
from orderflow.orders.tests.support import make_order, put_in_state
from orderflow.review.models import (
    MajorOrderRule,
    Review,
    ReviewRoute,
    ReviewStatus,
    ReviewTimeLimit,
)
from orderflow.review.services import review_start
from orderflow.review.tests.support import SHANGHAI, checked_order, ordinary_rule, review_state
from orderflow.testing.factories import CustomerFactory, ProductFactory, make_user

pytestmark = pytest.mark.django_db

FIVE = ["technology", "production", "quality", "procurement", "finance"]


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def test_sales_starts_the_review_of_a_checked_order(org, customer, products):
    # given an ordinary checked order
    ordinary_rule()
    sales = org["salesperson"]
    order = checked_order(sales, customer, products)
    version = order.version
    # when its salesperson starts the review
    review = review_start(order_id=order.pk, actor=sales)
    # then round 1 is open with one waiting opinion per department of the default route
    order.refresh_from_db()
    assert (order.status, order.version) == (State.IN_REVIEW, version + 1)
    assert (review.round, review.status, review.subject_kind, review.subject_id) == (
        1, ReviewStatus.OPEN, "order", order.pk)
    assert (review.is_major, review.major_reasons, review.chair) == (False, [], None)
    assert review.content_hash == content_hash(order)
    assert (review.started_by, review.started_at) == (sales, local(2025, 3, 3, 9, 0))
    opinions = list(review.opinions.order_by("position"))
    assert [(o.position, o.department.code, o.status) for o in opinions] == [
        (i, code, "pending") for i, code in enumerate(FIVE, start=1)]
    # P3.3.2: 16 working hours from Monday 09:00; reminder 4 h before; leader 8 h after
    assert {(o.due_at, o.remind_at, o.escalate_at) for o in opinions} == {
        (local(2025, 3, 5, 9, 0), local(2025, 3, 4, 14, 30), local(2025, 3, 6, 9, 0))}
    assert {o.assigned_at for o in opinions} == {local(2025, 3, 3, 9, 0)}
    events = list(AuditEvent.objects.order_by("-id").values_list("action", "object_type")[:2])
    assert events == [("review.started", "review.review"), ("order.start_review", "orders.order")]


def test_every_reviewing_department_member_is_told_p3_3_1(org, customer, products):
    ordinary_rule()
    order = checked_order(org["salesperson"], customer, products)
    before = Notification.objects.count()
    review_start(order_id=order.pk, actor=org["salesperson"])
    notes = Notification.objects.filter(kind="review.opinion_requested")
    expected = {u for d in org["reviewers"].values() for u in d.values()}
    assert {n.recipient for n in notes} == expected
    assert Notification.objects.count() == before + len(expected)
    assert {n.url for n in notes} == {f"/orders/{order.pk}/"}
    assert all(order.number in n.title for n in notes)


def test_start_review_is_the_order_action(org, customer, products):
    # the order page's button and the API dispatch to the review service
    ordinary_rule()
    order = checked_order(org["salesperson"], customer, products)
    result = order_take_action(order_id=order.pk, action="start_review",
                               actor=org["sales_head"], reason="")
    assert (result.pk, result.status) == (order.pk, State.IN_REVIEW)
    assert Review.objects.get(order=order).started_by == org["sales_head"]


def test_the_route_of_the_order_type_decides_who_reviews(org, customer, products):
    ordinary_rule()
    ReviewRoute.objects.filter(order_type="sample").update(
        departments=["quality", "technology"])
    order = checked_order(org["salesperson"], customer, products, order_type="sample")
    review = review_start(order_id=order.pk, actor=org["salesperson"])
    assert list(review.opinions.order_by("position")
                .values_list("position", "department__code")) == [
        (1, "quality"), (2, "technology")]
    told = set(Notification.objects.filter(kind="review.opinion_requested")
               .values_list("recipient__department__code", flat=True))
    assert told == {"quality", "technology"}


def test_without_a_route_the_five_departments_review(org, customer, products):
    ordinary_rule()
    ReviewRoute.objects.filter(order_type="service").delete()
    order = checked_order(org["salesperson"], customer, products, order_type="service")
    review = review_start(order_id=order.pk, actor=org["salesperson"])
    assert list(review.opinions.values_list("department__code", flat=True)) == FIVE


def test_each_department_has_its_own_time_limit(org, customer, products):
    ordinary_rule()
    ReviewTimeLimit.objects.filter(department__code="technology").update(
        hours=8, remind_before_hours=0, leader_after_hours=0)
    order = checked_order(org["salesperson"], customer, products)
    review = review_start(order_id=order.pk, actor=org["salesperson"])
    tech = review.opinions.get(department__code="technology")
    assert (tech.due_at, tech.remind_at, tech.escalate_at) == (
        local(2025, 3, 4, 9, 0), None, None)
    assert review.opinions.get(department__code="finance").due_at == local(2025, 3, 5, 9, 0)


# P3.1.2 major or complex orders


def test_a_new_customer_s_first_order_gets_a_panel(org, customer, products):
    # given the default rule: a customer's first order is major
    sales = org["salesperson"]
    order = checked_order(sales, customer, products)
    # when the review starts
    review = review_start(order_id=order.pk, actor=sales)
    # then the division leader chairs, the department heads are told, not their staff
    assert (review.is_major, review.major_reasons, review.chair) == (
        True, ["new_customer"], org["division_leader"])
    asked = set(Notification.objects.filter(kind="review.opinion_requested")
                .values_list("recipient__username", flat=True))
    assert asked == {f"{code}_head" for code in FIVE}
    chair_note = Notification.objects.get(kind="review.panel_chair")
    assert chair_note.recipient == org["division_leader"]


@pytest.mark.parametrize(("overrides", "rule", "reasons"), [
    ({"order_type": "customised"}, {}, ["customised"]),
    ({"special_requirements": [{"kind": "customisation", "description": "加长轴"}]}, {},
     ["customised"]),
    ({"special_requirements": [{"kind": "packaging", "description": "木箱"}]},
     {"special_requirements": True}, ["special_requirements"]),
    ({"special_requirements": [{"kind": "packaging", "description": "木箱"}]}, {}, []),
    ({"lines": "big"}, {}, ["amount"]),
    ({"lines": "big"}, {"amount_threshold": None}, []),
])
def test_major_rule_criteria(org, customer, products, overrides, rule, reasons):
    # given a customer with an earlier order (not new) and the rule as configured
    sales = org["salesperson"]
    make_order(sales, customer, products)
    MajorOrderRule.objects.filter(pk=1).update(**rule)
    if overrides.get("lines") == "big":  # 1,000,000 with tax exactly reaches the threshold
        machine = ProductFactory(standard_price=Decimal("884955.75"))
        customer.credit_limit = Decimal("5000000.00")
        customer.save(update_fields=["credit_limit"])
        overrides = {"lines": [{"product_id": machine.pk, "quantity": "1",
                                "unit_price": "884955.75"}], "tax_rate": "0.13"}
    order = checked_order(sales, customer, products, **overrides)
    if reasons == ["amount"]:
        assert order.total_gross == Decimal("1000000.00")
    review = review_start(order_id=order.pk, actor=sales)
    assert (review.major_reasons, review.is_major) == (reasons, bool(reasons))


@pytest.mark.parametrize(("earlier_state", "is_new"), [
    (State.DRAFT, False), (State.ARCHIVED, False), (State.CANCELLED, True),
    (State.DECLINED, True)])
def test_a_new_customer_has_no_earlier_order_that_stands(org, products, earlier_state, is_new):
    customer = CustomerFactory()
    sales = org["salesperson"]
    put_in_state(make_order(sales, customer, products), earlier_state)
    order = checked_order(sales, customer, products)
    review = review_start(order_id=order.pk, actor=sales)
    assert ("new_customer" in review.major_reasons) is is_new


def test_a_later_order_does_not_make_the_customer_known(org, customer, products):
    sales = org["salesperson"]
    order = checked_order(sales, customer, products)
    make_order(sales, customer, products)
    assert review_start(order_id=order.pk, actor=sales).major_reasons == ["new_customer"]


def test_the_general_manager_chairs_without_a_division_leader(org, customer, products):
    User.objects.filter(pk=org["division_leader"].pk).update(is_active=False)
    manager = make_user(Dept.MANAGEMENT, Role.GENERAL_MANAGER, username="gm")
    order = checked_order(org["salesperson"], customer, products)
    assert review_start(order_id=order.pk, actor=org["salesperson"]).chair == manager


def test_a_panel_without_a_chair_is_refused(org, customer, products):
    User.objects.filter(pk=org["division_leader"].pk).update(is_active=False)
    order = checked_order(org["salesperson"], customer, products)
    before = review_state(order.pk)
    with pytest.raises(Conflict):
        review_start(order_id=order.pk, actor=org["salesperson"])
    assert review_state(order.pk) == before


# Refusals change nothing


@pytest.mark.parametrize("state", [State.DRAFT, State.IN_REVIEW, State.REVIEW_FAILED,
                                   State.IN_APPROVAL])
def test_only_a_checked_order_goes_to_review(org, customer, products, state):
    ordinary_rule()
    order = put_in_state(make_order(org["salesperson"], customer, products), state)
    before = review_state(order.pk)
    with pytest.raises(TransitionNotAllowed):
        review_start(order_id=order.pk, actor=org["salesperson"])
    assert review_state(order.pk) == before


@pytest.mark.parametrize(("kind", "error"), [
    ("other_sales", NotFound), ("logistics", NotFound), ("division_leader", NotPermitted)])
def test_only_the_sales_owner_starts_it(org, customer, products, kind, error):
    ordinary_rule()
    order = checked_order(org["salesperson"], customer, products)
    before = review_state(order.pk)
    with pytest.raises(error):
        review_start(order_id=order.pk, actor=org[kind])
    assert review_state(order.pk) == before


def test_production_cannot_see_a_checked_order_to_start_it(org, customer, products):
    ordinary_rule()
    order = checked_order(org["salesperson"], customer, products)
    before = review_state(order.pk)
    with pytest.raises(NotFound):
        review_start(order_id=order.pk, actor=org["reviewers"]["production"]["head"])
    assert review_state(order.pk) == before


def test_a_second_open_round_is_refused(org, customer, products):
    # given (inconsistent data) an order back in "checked" with its round still open
    ordinary_rule()
    order = checked_order(org["salesperson"], customer, products)
    review_start(order_id=order.pk, actor=org["salesperson"])
    put_in_state(order, State.CHECKED)
    before = review_state(order.pk)
    with pytest.raises(Conflict):
        review_start(order_id=order.pk, actor=org["salesperson"])
    assert review_state(order.pk) == before


def test_a_route_of_departments_that_do_not_exist_is_refused(org, customer, products):
    ordinary_rule()
    ReviewRoute.objects.filter(order_type="standard").update(departments=["nonexistent"])
    order = checked_order(org["salesperson"], customer, products)
    before = review_state(order.pk)
    with pytest.raises(Conflict):
        review_start(order_id=order.pk, actor=org["salesperson"])
    assert review_state(order.pk) == before
