"""Who may give which opinion (P3.1.1, P3.1.2, P4.1 delegation), generated from tables.

A member of a department gives its opinion; in a major order's panel only the
department head. Nobody gives another department's opinion (a Production reviewer can
not give Finance's), the order's own salesperson never reviews it, and a deputy acts
only within the delegation dates. Invisible orders answer 404, refused opinions 403;
neither changes anything.
"""

import datetime as dt

import pytest

from orderflow.accounts.domain.organisation import Dept, Role
from orderflow.core.errors import NotFound, NotPermitted
from orderflow.review.domain.opinions import REVIEWING_DEPARTMENTS
from orderflow.review.tests.support import (
    FROZEN,
    delegate,
    give,
    opinion_of,
    ordinary_rule,
    review_state,
    started_review,
)
from orderflow.testing.factories import make_user

pytestmark = pytest.mark.django_db

# Actors outside the reviewing departments, and what they get for any opinion.
OUTSIDERS = {
    "salesperson": NotPermitted,     # the order's own salesperson (sees it, never reviews)
    "sales_head": NotPermitted,      # sees every order, is no reviewer
    "other_sales": NotFound,         # does not see another salesperson's order
    "division_leader": NotPermitted,  # chairs panels, gives no department opinion
    "logistics": NotPermitted,       # sees orders in review, is not on the route
}
INSIDERS = [(dept, role) for dept in REVIEWING_DEPARTMENTS for role in ("staff", "head")]


def expected_for(actor_dept: str, actor_role: str, opinion_dept: str, major: bool):
    """None if allowed, else the error: the table of P3.1.1 / P3.1.2."""
    if actor_dept != opinion_dept:
        return NotPermitted
    if major and actor_role != "head":
        return NotPermitted
    return None


ACTORS = [*(f"{d}:{r}" for d, r in INSIDERS), *OUTSIDERS]
MATRIX = [(major, actor) for major in (False, True) for actor in ACTORS]


def actor_of(org, key: str):
    if ":" in key:
        dept, role = key.split(":")
        return org["reviewers"][dept][role]
    return org[key]


def review_for(org, customer, products, major: bool):
    if not major:
        ordinary_rule()
    review = started_review(org["salesperson"], customer, products)
    assert review.is_major is major
    return review


@pytest.mark.parametrize(("major", "actor_key"), MATRIX,
                         ids=[f"{'major' if m else 'ordinary'}-{a}" for m, a in MATRIX])
def test_who_may_give_each_department_s_opinion(org, customer, products, major, actor_key):
    # given a review waiting for all five opinions
    review = review_for(org, customer, products, major)
    actor = actor_of(org, actor_key)
    for opinion_dept in REVIEWING_DEPARTMENTS:
        if ":" in actor_key:
            expected = expected_for(*actor_key.split(":"), opinion_dept, major)
        else:
            expected = OUTSIDERS[actor_key]
        before = review_state(review.order_id)
        # when the actor gives that department's opinion / then
        if expected is not None:
            with pytest.raises(expected):
                give(review, opinion_dept, actor)
            assert review_state(review.order_id) == before, opinion_dept
        else:
            opinion = give(review, opinion_dept, actor)
            assert (opinion.status, opinion.reviewer, opinion.on_behalf_of_id) == (
                "submitted", actor, None)


def test_a_production_reviewer_cannot_give_the_finance_opinion(org, customer, products):
    review = review_for(org, customer, products, major=False)
    before = review_state(review.order_id)
    with pytest.raises(NotPermitted):
        give(review, "finance", org["reviewers"]["production"]["staff"])
    assert review_state(review.order_id) == before


# Deputies (P4.1): (whose deputy, deputy's department, delegation dates relative to today,
# revoked, major) -> expected.
D = dt.timedelta
DEPUTY_TABLE = [
    # within the dates, as deputy of a Finance staff member, ordinary review
    ("staff", Dept.LOGISTICS, (D(0), D(0)), False, False, None),
    ("staff", Dept.LOGISTICS, (D(-3), D(3)), False, False, None),
    ("staff", Dept.SALES, (D(-1), D(1)), False, False, None),
    # outside the dates or revoked
    ("staff", Dept.LOGISTICS, (D(1), D(5)), False, False, NotPermitted),
    ("staff", Dept.LOGISTICS, (D(-5), D(-1)), False, False, NotPermitted),
    ("staff", Dept.LOGISTICS, (D(-1), D(1)), True, False, NotPermitted),
    ("staff", Dept.SALES, (D(-5), D(-1)), False, False, NotFound),  # sees no such order
    # a major order's panel: the head's deputy may, a staff member's deputy may not
    ("head", Dept.LOGISTICS, (D(-1), D(1)), False, True, None),
    ("head", Dept.SALES, (D(0), D(0)), False, True, None),
    ("staff", Dept.LOGISTICS, (D(-1), D(1)), False, True, NotPermitted),
    ("head", Dept.LOGISTICS, (D(1), D(2)), False, True, NotPermitted),
]


@pytest.mark.parametrize(("principal_role", "deputy_dept", "window", "revoked", "major",
                          "expected"), DEPUTY_TABLE)
def test_a_deputy_gives_the_opinion_only_within_the_delegation(
        org, customer, products, principal_role, deputy_dept, window, revoked, major,
        expected):
    review = review_for(org, customer, products, major)
    principal = org["reviewers"]["finance"][principal_role]
    deputy = make_user(deputy_dept, Role.STAFF, username="deputy")
    today = FROZEN.date()
    delegate(principal, deputy, starts_on=today + window[0], ends_on=today + window[1],
             revoked=revoked)
    before = review_state(review.order_id)
    if expected is not None:
        with pytest.raises(expected):
            give(review, "finance", deputy)
        assert review_state(review.order_id) == before
        return
    opinion = give(review, "finance", deputy)
    # the deputy is the reviewer, acting for the principal (P4.1: "deputy for user")
    assert (opinion.reviewer, opinion.on_behalf_of) == (deputy, principal)
    event = opinion_event(opinion)
    assert (event.actor, event.on_behalf_of) == (deputy, principal)


def opinion_event(opinion):
    from orderflow.audit.models import AuditEvent

    return AuditEvent.objects.get(action="review.opinion_given", object_id=str(opinion.pk))


def test_the_salesperson_cannot_review_even_as_a_deputy(org, customer, products):
    review = review_for(org, customer, products, major=False)
    delegate(org["reviewers"]["finance"]["staff"], org["salesperson"],
             starts_on=FROZEN.date(), ends_on=FROZEN.date())
    before = review_state(review.order_id)
    with pytest.raises(NotPermitted):
        give(review, "finance", org["salesperson"])
    assert review_state(review.order_id) == before


def test_a_delegation_is_not_passed_on(org, customer, products):
    # the Finance head's deputy delegates further: the second deputy holds nothing of it
    review = review_for(org, customer, products, major=True)
    first = make_user(Dept.LOGISTICS, Role.STAFF, username="deputy1")
    second = make_user(Dept.LOGISTICS, Role.STAFF, username="deputy2")
    today = FROZEN.date()
    delegate(org["reviewers"]["finance"]["head"], first, starts_on=today, ends_on=today)
    delegate(first, second, starts_on=today, ends_on=today)
    with pytest.raises(NotPermitted):
        give(review, "finance", second)
    assert give(review, "finance", first).on_behalf_of == org["reviewers"]["finance"]["head"]


def test_opinion_of_an_inactive_principal_is_not_held_by_the_deputy(org, customer, products):
    review = review_for(org, customer, products, major=False)
    principal = org["reviewers"]["finance"]["staff"]
    deputy = make_user(Dept.LOGISTICS, Role.STAFF, username="deputy")
    delegate(principal, deputy, starts_on=FROZEN.date(), ends_on=FROZEN.date())
    principal.is_active = False
    principal.save(update_fields=["is_active"])
    with pytest.raises(NotPermitted):
        give(review, "finance", deputy)
    assert opinion_of(review, "finance").status == "pending"
