"""After a failed review (P3.3.3): Sales renegotiates and starts round 2 (both rounds
kept), or cancels the order with a reason."""

import pytest

from orderflow.orders.domain.lifecycle import State
from orderflow.orders.services import order_take_action, order_update
from orderflow.orders.services.content import content_hash
from orderflow.review.models import Review, ReviewStatus
from orderflow.review.services import review_start
from orderflow.review.tests.support import give, ordinary_rule, started_review
from orderflow.testing.factories import order_payload

pytestmark = pytest.mark.django_db

FIVE = ["technology", "production", "quality", "procurement", "finance"]


@pytest.fixture
def failed(org, customer, products):
    ordinary_rule()
    review = started_review(org["salesperson"], customer, products)
    for dept in FIVE:
        give(review, dept, org["reviewers"][dept]["staff"],
             "fail" if dept == "production" else "pass")
    review.refresh_from_db()
    assert review.order.status == State.REVIEW_FAILED
    return review


def test_renegotiate_edit_recheck_and_review_again_keeps_both_rounds(org, customer, products,
                                                                      failed):
    sales, order = org["salesperson"], failed.order
    first_hash = failed.content_hash
    # when Sales renegotiates: back to draft, a later delivery date, checked again
    order_take_action(order_id=order.pk, action="renegotiate", actor=sales)
    order.refresh_from_db()
    order_update(order_id=order.pk, actor=sales, expected_version=order.version,
                 **order_payload(customer, products,
                                 delivery_date=order.delivery_date.replace(month=6)))
    order_take_action(order_id=order.pk, action="check", actor=sales)
    second = review_start(order_id=order.pk, actor=sales)
    # then round 2 is open and bound to the new content; round 1 is kept as it was
    order.refresh_from_db()
    assert order.status == State.IN_REVIEW
    assert list(Review.objects.filter(order=order).order_by("round")
                .values_list("round", "status", "conclusion")) == [
        (1, ReviewStatus.FAILED, "fail"), (2, ReviewStatus.OPEN, "")]
    assert second.content_hash == content_hash(order) != first_hash
    assert failed.report.number == f"RR-{order.number}-1"
    assert second.opinions.filter(status="pending").count() == 5
    assert failed.opinions.filter(status="submitted").count() == 5
    # and round 2 concludes with its own report
    for dept in FIVE:
        give(second, dept, org["reviewers"][dept]["staff"])
    second.refresh_from_db()
    assert (second.status, second.report.number) == (ReviewStatus.PASSED,
                                                     f"RR-{order.number}-2")
    assert second.order.status == State.IN_APPROVAL


def test_or_sales_cancels_the_order_with_a_reason(org, failed):
    order = failed.order
    order_take_action(order_id=order.pk, action="cancel", actor=org["salesperson"],
                      reason="客户不接受延期交货")
    order.refresh_from_db()
    failed.refresh_from_db()
    assert order.status == State.CANCELLED
    assert (failed.status, failed.report.conclusion) == (ReviewStatus.FAILED, "fail")
