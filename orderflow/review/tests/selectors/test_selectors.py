"""Reading reviews: visibility (404 for invisible orders), the inbox of opinions to give
(own, as head of a panel, as deputy), panels to conclude, rounds of an order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core.errors import NotFound
from orderflow.orders.domain.lifecycle import State
from orderflow.orders.models import Order
from orderflow.orders.permissions import visibility_q
from orderflow.orders.tests.support import put_in_state
from orderflow.review.selectors import (
    may_conclude,
    may_give_opinion,
    opinion_fields,
    opinion_for,
    panels_to_conclude,
    report_for,
    review_inbox,
    reviews_for,
)
from orderflow.review.services import review_conclude
from orderflow.review.tests.support import (
    FROZEN,
    delegate,
    give,
    opinion_of,
    ordinary_rule,
    started_review,
)
from orderflow.testing.factories import CustomerFactory, make_user

pytestmark = pytest.mark.django_db

FIVE = ["technology", "production", "quality", "procurement", "finance"]


@pytest.fixture
def ordinary(org, customer, products):
    ordinary_rule()
    return started_review(org["salesperson"], customer, products)


@pytest.fixture
def panel(org, products):
    return started_review(org["salesperson"], CustomerFactory(), products)


def test_the_inbox_holds_the_department_s_waiting_opinions(org, ordinary):
    quality = org["reviewers"]["quality"]["staff"]
    inbox = review_inbox(quality)
    assert [(o.pk, o.acting_for) for o in inbox] == [(opinion_of(ordinary, "quality").pk, None)]
    assert inbox[0].review.order.customer.name  # selected with the opinion
    give(ordinary, "quality", quality)
    assert review_inbox(quality) == []
    assert review_inbox(org["reviewers"]["quality"]["head"]) == []


def test_a_panel_s_opinions_wait_for_the_heads_only(org, panel):
    assert panel.is_major
    assert review_inbox(org["reviewers"]["finance"]["staff"]) == []
    assert [o.department.code for o in review_inbox(org["reviewers"]["finance"]["head"])] == [
        "finance"]


def test_the_inbox_of_a_deputy_names_the_principal(org, ordinary, panel):
    deputy = make_user(Dept.SALES, Role.STAFF, username="deputy")
    head = org["reviewers"]["finance"]["head"]
    delegate(head, deputy, starts_on=FROZEN.date(), ends_on=FROZEN.date())
    inbox = review_inbox(deputy)
    assert sorted((o.review_id, o.department.code, o.acting_for) for o in inbox) == sorted([
        (ordinary.pk, "finance", head), (panel.pk, "finance", head)])


def test_the_salesperson_s_own_order_is_not_in_their_inbox(org, ordinary):
    deputy_for = org["reviewers"]["finance"]["staff"]
    delegate(deputy_for, org["salesperson"], starts_on=FROZEN.date(), ends_on=FROZEN.date())
    assert review_inbox(org["salesperson"]) == []


def test_the_inbox_is_bounded(org, customer, products):
    ordinary_rule()
    for _ in range(3):
        started_review(org["salesperson"], customer, products)
    assert len(review_inbox(org["reviewers"]["quality"]["staff"], limit=2)) == 2


def test_panels_wait_for_the_chair_once_all_opinions_are_in(org, panel):
    leader = org["division_leader"]
    for dept in FIVE[:-1]:
        give(panel, dept, org["reviewers"][dept]["head"])
    assert panels_to_conclude(leader) == []
    panel.refresh_from_db()
    assert not may_conclude(leader, panel)
    give(panel, "finance", org["reviewers"]["finance"]["head"])
    assert [(r.pk, r.acting_for) for r in panels_to_conclude(leader)] == [(panel.pk, None)]
    assert may_conclude(leader, panel)
    deputy = make_user(Dept.MANAGEMENT, Role.STAFF, username="chair_deputy")
    delegate(leader, deputy, starts_on=FROZEN.date(), ends_on=FROZEN.date())
    assert [(r.pk, r.acting_for) for r in panels_to_conclude(deputy)] == [(panel.pk, leader)]
    review_conclude(review_id=panel.pk, actor=leader, conclusion="pass")
    assert panels_to_conclude(leader) == []
    panel.refresh_from_db()
    assert not may_conclude(leader, panel)


def test_may_give_opinion_follows_the_rules_and_the_status(org, ordinary):
    opinion = opinion_for(org["reviewers"]["quality"]["staff"],
                          opinion_of(ordinary, "quality").pk)
    assert may_give_opinion(org["reviewers"]["quality"]["staff"], opinion)
    assert not may_give_opinion(org["reviewers"]["finance"]["staff"], opinion)
    assert not may_give_opinion(org["salesperson"], opinion)
    give(ordinary, "quality", org["reviewers"]["quality"]["staff"])
    opinion.refresh_from_db()
    assert not may_give_opinion(org["reviewers"]["quality"]["staff"], opinion)


def test_invisible_orders_answer_not_found(org, ordinary):
    other = org["other_sales"]
    with pytest.raises(NotFound):
        opinion_for(other, opinion_of(ordinary, "quality").pk)
    assert reviews_for(other, ordinary.order) == []
    for dept in FIVE:
        give(ordinary, dept, org["reviewers"][dept]["staff"])
    ordinary.refresh_from_db()
    with pytest.raises(NotFound):
        report_for(other, ordinary.report.pk)
    assert report_for(org["salesperson"], ordinary.report.pk) == ordinary.report


def test_a_deputy_sees_the_order_only_while_the_delegation_runs(org, ordinary, frozen):
    deputy = make_user(Dept.SALES, Role.STAFF, username="deputy")
    delegate(org["reviewers"]["finance"]["staff"], deputy, starts_on=FROZEN.date(),
             ends_on=FROZEN.date())
    visible = Order.objects.filter(visibility_q(deputy))
    assert list(visible.values_list("pk", flat=True)) == [ordinary.order_id]
    frozen.shift(86400)  # the next day the delegation has ended
    assert not Order.objects.filter(visibility_q(deputy)).exists()


def test_rounds_of_an_order_newest_first_in_a_fixed_number_of_queries(org, ordinary):
    for dept in FIVE:
        give(ordinary, dept, org["reviewers"][dept]["staff"], "fail" if dept == "quality"
             else "pass")
    sales = org["salesperson"]
    assert sales.role_set is not None
    with CaptureQueriesContext(connection) as ctx:
        rounds = reviews_for(sales, ordinary.order)
        shown = [(r.round, r.report.number, [(o.department.code, o.reviewer.username,
                                              list(o.attachments.all()))
                                             for o in r.opinions.all()]) for r in rounds]
    assert len(ctx.captured_queries) == 3
    assert shown[0][0] == 1 and len(shown[0][2]) == 5
    assert [code for code, _user, _files in shown[0][2]] == FIVE


def test_opinion_fields_of_a_department(db):
    assert [f.name for f in opinion_fields("finance")] == ["estimated_cost", "margin_percent",
                                                           "proposals"]
    assert opinion_fields("sales") == []


def test_a_deputy_who_gave_an_opinion_keeps_seeing_the_order_past_sales(org, ordinary, frozen):
    deputy = make_user(Dept.SALES, Role.STAFF, username="deputy")
    delegate(org["reviewers"]["finance"]["staff"], deputy, starts_on=FROZEN.date(),
             ends_on=FROZEN.date())
    give(ordinary, "finance", deputy)
    frozen.shift(86400)  # the delegation ended; the opinion they gave remains theirs
    assert list(Order.objects.filter(visibility_q(deputy)).values_list("pk", flat=True)) == [
        ordinary.order_id]
    put_in_state(ordinary.order, State.DRAFT)  # back with Sales (renegotiation)
    assert not Order.objects.filter(visibility_q(deputy)).exists()
