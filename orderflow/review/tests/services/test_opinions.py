"""Giving opinions (P3.2.x, P3.3.2, P3.4.1) and the automatic conclusion of an ordinary
review (P3.3.3)."""

import pytest

from orderflow.approval.models import ApprovalRequest
from orderflow.audit.models import AuditEvent
from orderflow.core.errors import NotFound, TransitionNotAllowed, ValidationFailed
from orderflow.notifications.models import Notification
from orderflow.orders.domain.lifecycle import State
from orderflow.review.models import ReviewReport, ReviewStatus
from orderflow.review.services import opinion_submit
from orderflow.review.tests.support import (
    FROZEN,
    GOOD_DETAILS,
    give,
    opinion_of,
    ordinary_rule,
    review_state,
    started_review,
)

pytestmark = pytest.mark.django_db

FIVE = ["technology", "production", "quality", "procurement", "finance"]


@pytest.fixture
def review(org, customer, products):
    ordinary_rule()
    return started_review(org["salesperson"], customer, products)


def staff(org, dept):
    return org["reviewers"][dept]["staff"]


def test_a_member_gives_the_department_s_opinion(org, review):
    # when a Production staff member gives a conditional opinion
    opinion = opinion_submit(
        opinion_id=opinion_of(review, "production").pk, actor=staff(org, "production"),
        conclusion="conditional", text="  需要调整排产  ", conditions="客户同意分两批交货",
        details={**GOOD_DETAILS["production"], "capacity": "with_changes",
                 "plan_changes": "4月加开夜班"})
    # then it is recorded as given, typed, with who and when (P3.4.1)
    opinion.refresh_from_db()
    assert (opinion.status, opinion.reviewer, opinion.on_behalf_of, opinion.submitted_at) == (
        "submitted", staff(org, "production"), None, FROZEN)
    assert (opinion.conclusion, opinion.text, opinion.conditions) == (
        "conditional", "需要调整排产", "客户同意分两批交货")
    assert opinion.details == {"capacity": "with_changes", "resources": "2号线，两班；4月排产",
                               "plan_changes": "4月加开夜班",
                               "feasible_delivery_date": "2025-04-25"}
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "review.opinion_given", staff(org, "production"), "pending", "submitted")
    assert event.data["details"] == opinion.details
    # the round waits for the others; Sales hears of the opinion (P3.3.2)
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN
    note = Notification.objects.get(kind="review.opinion_given")
    assert note.recipient == org["salesperson"]


def test_bad_details_are_reported_field_by_field_and_nothing_changes(org, review):
    opinion = opinion_of(review, "finance")
    before = review_state(review.order_id)
    with pytest.raises(ValidationFailed) as exc:
        opinion_submit(opinion_id=opinion.pk, actor=staff(org, "finance"), conclusion="pass",
                       details={"estimated_cost": "很多", "margin_percent": "150",
                                "bonus": "1"})
    assert set(exc.value.errors) == {"details.estimated_cost", "details.margin_percent",
                                     "details.bonus"}
    assert review_state(review.order_id) == before


def test_a_rule_of_the_department_refuses_a_pass(org, review):
    # P3.2.5: a negative margin cannot pass
    before = review_state(review.order_id)
    with pytest.raises(ValidationFailed) as exc:
        give(review, "finance", staff(org, "finance"),
             details={**GOOD_DETAILS["finance"], "margin_percent": "-2"})
    assert set(exc.value.errors) == {"conclusion", "details.proposals"}
    assert review_state(review.order_id) == before


def test_conditions_are_required_for_a_conditional_pass(org, review):
    before = review_state(review.order_id)
    with pytest.raises(ValidationFailed) as exc:
        give(review, "quality", staff(org, "quality"), "conditional", conditions="  ")
    assert exc.value.errors == {"conditions": ["A pass with conditions needs the conditions."]}
    assert review_state(review.order_id) == before


def test_an_opinion_is_final_once_given(org, review):
    give(review, "quality", staff(org, "quality"))
    before = review_state(review.order_id)
    with pytest.raises(TransitionNotAllowed):
        give(review, "quality", org["reviewers"]["quality"]["head"], "fail")
    assert review_state(review.order_id) == before


def test_an_unknown_opinion_is_not_found(org, review):
    with pytest.raises(NotFound):
        opinion_submit(opinion_id=999999, actor=staff(org, "quality"), conclusion="pass")


def test_the_last_opinion_concludes_a_passing_review(org, review):
    # given four departments passed
    for dept in FIVE[:-1]:
        give(review, dept, staff(org, dept))
    review.refresh_from_db()
    assert review.status == ReviewStatus.OPEN
    # when Finance gives the last opinion
    give(review, "finance", staff(org, "finance"))
    # then the review passed, the report is issued, the order is in approval (P3.3.3)
    review.refresh_from_db()
    order = review.order
    assert (review.status, review.conclusion, review.concluded_by, review.concluded_at) == (
        ReviewStatus.PASSED, "pass", staff(org, "finance"), FROZEN)
    assert order.status == State.IN_APPROVAL
    report = ReviewReport.objects.get(review=review)
    assert (report.number, report.conclusion) == (f"RR-{order.number}-1", "pass")
    assert [o["department"] for o in report.content["opinions"]] == FIVE
    assert ApprovalRequest.objects.filter(order=order).count() == 1
    transition = AuditEvent.objects.filter(action="order.pass_review").get()
    assert (transition.actor, transition.from_state, transition.to_state) == (
        staff(org, "finance"), State.IN_REVIEW, State.IN_APPROVAL)
    assert Notification.objects.filter(kind="review.passed",
                                       recipient=org["salesperson"]).count() == 1


def test_any_conditional_makes_a_conditional_pass(org, review):
    for dept in FIVE:
        give(review, dept, staff(org, dept), "conditional" if dept == "quality" else "pass")
    review.refresh_from_db()
    assert (review.status, review.conclusion, review.order.status) == (
        ReviewStatus.PASSED, "conditional", State.IN_APPROVAL)
    assert review.report.conclusion == "conditional"


def test_any_fail_fails_the_review_and_sales_renegotiates_or_cancels(org, review):
    for dept in FIVE:
        give(review, dept, staff(org, dept), "fail" if dept == "technology" else "pass")
    review.refresh_from_db()
    assert (review.status, review.conclusion, review.order.status) == (
        ReviewStatus.FAILED, "fail", State.REVIEW_FAILED)
    assert review.report.conclusion == "fail"
    assert not ApprovalRequest.objects.filter(order=review.order).exists()
    note = Notification.objects.get(kind="review.failed")
    assert note.recipient == org["salesperson"]


def test_no_opinion_after_the_review_concluded(org, review):
    # given the review already failed (a withdrawn/concluded round keeps its open opinions)
    for dept in FIVE:
        give(review, dept, staff(org, dept), "fail" if dept == "finance" else "pass")
    # when anyone tries to give an opinion on that round
    opinion = opinion_of(review, "quality")
    before = review_state(review.order_id)
    with pytest.raises(TransitionNotAllowed):
        give(review, "quality", org["reviewers"]["quality"]["head"])
    assert review_state(review.order_id) == before
    assert opinion.status == "submitted"


def test_a_cancellation_request_holds_the_review(org, review):
    # given Sales asked to cancel the order while it is in review (P8.2.1)
    from orderflow.orders.tests.support import put_in_state
    from orderflow.review.selectors import review_inbox

    put_in_state(review.order, State.CANCELLATION_REVIEW, State.IN_REVIEW)
    quality = staff(org, "quality")
    before = review_state(review.order_id)
    # then nobody gives an opinion meanwhile, and the inbox does not offer it
    with pytest.raises(TransitionNotAllowed):
        give(review, "quality", quality)
    assert review_state(review.order_id) == before
    assert review_inbox(quality) == []
    # when the request is rejected the review goes on
    put_in_state(review.order, State.IN_REVIEW)
    assert give(review, "quality", quality).status == "submitted"
